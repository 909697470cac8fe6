import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import { defineEvent, EventBus, EventDeliveriesRepository, OutboxDispatcher } from '../src/platform/events';
import { EventHandlerRegistry, type RegisteredHandler } from '../src/platform/events/event-handler.registry';
import { HandlerRunner } from '../src/platform/events/handler-runner';
import { eventually } from './support/eventually';
import { EventProbeModule, ProbeHappened, ProbeRecorder } from './support/fixtures/event-probe.module';
import { LogCapture } from './support/log-capture';
import { metricValue } from './support/metrics';
import { createTestApp, type TestApp } from './support/test-app';

const transport = process.env.REDIS_URL ? 'BullMQ queue' : 'in-process delivery';
/** An event no handler subscribes to, published by a handler. */
const ProbeEchoed = defineEvent<{ of: string }>('probe.echoed');

describe(`Domain events with ${transport}`, () => {
  let sut: TestApp;
  let recorder: ProbeRecorder;
  const logs = new LogCapture();

  beforeAll(async () => {
    sut = await createTestApp({
      imports: [EventProbeModule],
      logs,
      env: { EVENT_MAX_ATTEMPTS: '3', EVENT_RETRY_BASE_MS: '20', OUTBOX_POLL_INTERVAL_MS: '200', LOG_LEVEL: 'info' },
    });
    recorder = sut.app.get(ProbeRecorder);
  });

  afterAll(async () => {
    await sut.close();
  });

  async function publish(n: number, mode = 'ok'): Promise<string> {
    const response = await sut.http().post('/api/v1/event-probe').send({ n, mode }).expect(201);
    return response.body.data.id as string;
  }

  const outboxRow = async (id: string) =>
    (
      await sut.dataSource.query<Array<{ dispatched_at: Date | null }>>(
        'SELECT dispatched_at FROM outbox_events WHERE id = $1',
        [id],
      )
    )[0];

  it('delivers a committed event to its handler and marks the outbox row dispatched', async () => {
    const id = await publish(1);

    const seen = await eventually(() => recorder.seen.find((event) => event.id === id), 10_000, 'delivery');
    expect(seen).toEqual(expect.objectContaining({ name: 'probe.happened', payload: { n: 1, mode: 'ok' } }));
    await eventually(async () => (await outboxRow(id))?.dispatched_at, 10_000, 'dispatched mark');
  });

  it('carries the publishing request’s id into the handler’s context', async () => {
    const response = await sut
      .http()
      .post('/api/v1/event-probe')
      .set('X-Request-ID', 'event-origin-0001')
      .send({ n: 2 })
      .expect(201);

    const event = await eventually(() => recorder.seen.find((seen) => seen.id === response.body.data.id));
    expect(event.context.requestId).toBe('event-origin-0001');
  });

  it('neither stores nor delivers an event whose transaction rolled back', async () => {
    await sut.http().post('/api/v1/event-probe/rolled-back').send({ n: 404 }).expect(500);
    await sleep(500);

    expect(recorder.seen.some((event) => event.payload.n === 404)).toBe(false);
    const rows = await sut.dataSource.query<unknown[]>(`SELECT id FROM outbox_events WHERE payload->>'n' = '404'`);
    expect(rows).toHaveLength(0);
  });

  it('retries a failing handler with backoff without repeating or blocking the others', async () => {
    const id = await publish(3, 'flaky');

    await eventually(() => recorder.flakySucceeded.includes(id), 10_000, 'flaky success');
    expect(recorder.attempts.get(id)).toBe(3);
    expect(recorder.seen.filter((event) => event.id === id)).toHaveLength(1);
    expect(
      await metricValue(sut.app, 'event_handler_errors_total', {
        event: 'probe.happened',
        handler: 'ProbeRecorder.flaky',
      }),
    ).toBeGreaterThanOrEqual(2);
  });

  it('moves a poison event to the dead-letter table after its attempts, and keeps handling others', async () => {
    const poisonId = await publish(4, 'poison');
    const nextId = await publish(5);

    await eventually(() => recorder.seen.find((event) => event.id === nextId), 10_000, 'next event');
    const deadLetters = await eventually(
      async () => {
        const rows = await sut.dataSource.query<Array<{ handler: string; attempts: number; error: string }>>(
          'SELECT handler, attempts, error FROM dead_letter_events WHERE event_id = $1',
          [poisonId],
        );
        return rows.length > 0 ? rows : undefined;
      },
      15_000,
      'dead letter',
    );
    expect(deadLetters).toEqual([
      expect.objectContaining({
        handler: 'ProbeRecorder.poison',
        attempts: 3,
        error: expect.stringContaining('never be handled'),
      }),
    ]);
    expect(await metricValue(sut.app, 'events_dead_lettered_total', { handler: 'ProbeRecorder.poison' })).toBe(1);
  });

  it('applies a redelivered event only once per handler', async () => {
    const runner = sut.app.get(HandlerRunner);
    const handler = sut.app.get(EventHandlerRegistry).get('ProbeRecorder.record');
    if (!handler) throw new Error('handler not registered');
    const event = ProbeHappened.create({ n: 6, mode: 'ok' });

    const outcomes = [await runner.deliver(event, handler, 1), await runner.deliver(event, handler, 1)];

    expect(outcomes).toEqual(['handled', 'duplicate']);
    expect(recorder.seen.filter((seen) => seen.id === event.id)).toHaveLength(1);
    expect(await sut.app.get(EventDeliveriesRepository).isProcessed(event.id, 'ProbeRecorder.record')).toBe(true);
  });

  it('writes what a handler outside a transaction published with the record of its delivery, or neither', async () => {
    const runner = sut.app.get(HandlerRunner);
    const deliveries = sut.app.get(EventDeliveriesRepository);
    const published: string[] = [];
    const plain = (failAfterPublishing: boolean): RegisteredHandler => ({
      id: 'PlainProbe.publish',
      eventName: ProbeHappened.name,
      options: { transactional: false },
      invoke: async (event) => {
        published.push((await sut.app.get(EventBus).publish(ProbeEchoed, { of: event.id })).id);
        if (failAfterPublishing) throw new Error('failed after publishing');
      },
    });

    const failed = ProbeHappened.create({ n: 8, mode: 'ok' });
    await expect(runner.deliver(failed, plain(true), 1)).rejects.toThrow('failed after publishing');
    expect(await outboxRow(published[0])).toBeUndefined();
    expect(await deliveries.isProcessed(failed.id, 'PlainProbe.publish')).toBe(false);

    const handled = ProbeHappened.create({ n: 9, mode: 'ok' });
    await expect(runner.deliver(handled, plain(false), 1)).resolves.toBe('handled');
    expect(await outboxRow(published[1])).toBeDefined();
    expect(await deliveries.isProcessed(handled.id, 'PlainProbe.publish')).toBe(true);

    // Delivered again (not the publisher's first delivery): skipped, nothing published twice.
    await expect(runner.deliver(handled, plain(false), 1)).resolves.toBe('duplicate');
    expect(published).toHaveLength(2);
  });

  it('dispatches an event that was committed but never dispatched (a crash before dispatch)', async () => {
    const id = randomUUID();
    await sut.dataSource.query(
      `INSERT INTO outbox_events (id, name, payload, context, occurred_at) VALUES ($1, 'probe.happened', $2, '{}', now() - interval '1 minute')`,
      [id, JSON.stringify({ n: 7, mode: 'ok' })],
    );

    await sut.app.get(OutboxDispatcher).pollOnce();

    await eventually(() => recorder.seen.find((event) => event.id === id), 10_000, 'recovered delivery');
    await eventually(async () => (await outboxRow(id))?.dispatched_at, 10_000, 'dispatched mark');
  });

  it('counts published events', async () => {
    const before = await metricValue(sut.app, 'events_published_total', { event: 'probe.happened' });
    await publish(8);

    expect(await metricValue(sut.app, 'events_published_total', { event: 'probe.happened' })).toBe(before + 1);
  });

  it('writes handler log lines with the event’s request id and handler name', async () => {
    await sut
      .http()
      .post('/api/v1/event-probe')
      .set('X-Request-ID', 'flaky-origin-001')
      .send({ n: 9, mode: 'flaky' })
      .expect(201);

    const line = await eventually(() =>
      logs.entries.find((entry) => entry.msg === 'Event handler failed' && entry.requestId === 'flaky-origin-001'),
    );
    expect(line).toEqual(expect.objectContaining({ handler: 'ProbeRecorder.flaky', event: 'probe.happened' }));
  });
});
