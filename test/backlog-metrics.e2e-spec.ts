import { randomUUID } from 'node:crypto';

import { createTestApp, type TestApp } from './support/test-app';

/** The samples of one metric family, as `labels value` lines (labels empty when it has none). */
async function scrape(sut: TestApp, name: string): Promise<Map<string, number>> {
  const text = (await sut.http().get('/metrics').expect(200)).text;
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = new RegExp(`^${name}(\\{[^}]*\\})? (\\S+)$`).exec(line);
    if (match) samples.set(match[1] ?? '', Number(match[2]));
  }
  return samples;
}

describe('Backlog metrics, measured at scrape time', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await createTestApp();
  });

  afterAll(async () => {
    await sut.close();
  });

  it('reports an empty outbox as 0 pending, 0 seconds old', async () => {
    expect(await scrape(sut, 'outbox_pending_events')).toEqual(new Map([['', 0]]));
    expect(await scrape(sut, 'outbox_oldest_pending_age_seconds')).toEqual(new Map([['', 0]]));
  });

  it('reports a row a crashed dispatcher still holds, with its age', async () => {
    // Leased for an hour: the poller leaves it alone, the way it would after a dispatcher died mid-way.
    await sut.dataSource.query(
      `INSERT INTO outbox_events (id, name, payload, context, occurred_at, claimed_until)
       VALUES ($1, 'backlog.probe', '{}', '{}', now() - interval '120 seconds', now() + interval '1 hour')`,
      [randomUUID()],
    );

    expect((await scrape(sut, 'outbox_pending_events')).get('')).toBe(1);
    const age = (await scrape(sut, 'outbox_oldest_pending_age_seconds')).get('') ?? 0;
    expect(age).toBeGreaterThanOrEqual(120);
    expect(age).toBeLessThan(3600);
  });

  it('reports the queue by state with Redis, and no queue without it', async () => {
    const queue = await scrape(sut, 'events_queue_jobs');
    if (sut.env.REDIS_URL) {
      expect([...queue.keys()].sort()).toEqual([
        '{state="active"}',
        '{state="delayed"}',
        '{state="failed"}',
        '{state="waiting"}',
      ]);
    } else {
      expect(queue.size).toBe(0);
    }
  });

  it('still answers /metrics when a measurement fails, counting the failure', async () => {
    const before = (await scrape(sut, 'metrics_collection_errors_total')).get('{metric="outbox"}') ?? 0;
    await sut.dataSource.query('ALTER TABLE outbox_events RENAME TO outbox_events_away');
    try {
      expect((await scrape(sut, 'outbox_pending_events')).get('')).toBe(1); // the last value
      expect((await scrape(sut, 'metrics_collection_errors_total')).get('{metric="outbox"}')).toBeGreaterThan(before);
    } finally {
      await sut.dataSource.query('ALTER TABLE outbox_events_away RENAME TO outbox_events');
    }
  });
});
