import { setTimeout as sleep } from 'node:timers/promises';

import type pg from 'pg';

import { type AppProcess, spawnApp, waitUntilReady } from '../support/app-process';
import { eventually } from '../support/eventually';
import { call } from '../support/http-client';
import {
  adminToken,
  baseEnv,
  connect,
  createProduct,
  customerToken,
  describeWithServices,
  placeOrder,
  stockOf,
} from '../support/process-fixtures';
import { TcpProxy } from '../support/tcp-proxy';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const OUTAGE_MS = 4000;
const REQUEST_TIMEOUT_MS = 15_000;
const INITIAL_STOCK = 10_000;

interface Outcome {
  readonly kind: 'place' | 'read';
  readonly status: number;
  readonly code?: string;
  readonly ms: number;
  readonly at: number;
  readonly orderId?: string;
}

/**
 * Postgres taken away behind a TCP proxy (docs/decisions/0022): the app does not listen until it
 * has its database; once running, an outage answers 503 quickly and readiness says so; when the
 * database is back the app serves again without a restart, and every order is whole or absent.
 */
describeWithServices('postgres outage e2e')('Postgres unavailable', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let db: pg.Client;
  let app: AppProcess;

  beforeAll(async () => {
    database = await createTestDatabase();
    const target = new URL(database.connectionString ?? '');
    proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 5432) }, { open: false });
    db = await connect(database);
  });

  afterAll(async () => {
    await app?.stop('SIGKILL');
    await proxy?.close();
    await db?.end();
    await database?.dispose();
  });

  it('is not ready (not even listening) until its database answers, then becomes ready', async () => {
    app = await spawnApp({
      ...baseEnv(database, 'pg-outage'),
      DATABASE_URL: proxy.urlFor(database.connectionString ?? ''),
      REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      // A claim whose answer the cut swallowed keeps its rows leased until the lease ends; the
      // poller then re-dispatches them. Shorter than the default (60 s) so that bound fits the test.
      OUTBOX_LEASE_MS: '5000',
      OUTBOX_POLL_INTERVAL_MS: '500',
    });
    const readiness = async () =>
      fetch(`${app.baseUrl}/health/ready`).then(
        (r) => r.status,
        () => 'no answer',
      );

    await eventually(() => proxy.refused > 0, 30_000, 'the app trying its database');
    const before: Array<number | string> = [];
    const until = Date.now() + 800;
    while (Date.now() < until) {
      before.push(await readiness());
      await sleep(100);
    }
    expect(before.length).toBeGreaterThan(0);
    expect(before).not.toContain(200);

    proxy.restore();
    const readyMs = await waitUntilReady(app, 30_000);
    process.stdout.write(
      `postgres at start-up: ${proxy.refused} connection attempt(s) refused, readiness ${[...new Set(before)].join('/')} meanwhile, ready ${readyMs} ms after the database opened\n`,
    );
  }, 60_000);

  it('answers 503 fast while Postgres is cut, recovers without restart, and loses or half-writes no order', async () => {
    const admin = await adminToken(app);
    const customer = await customerToken(app, 'pgout');
    const productId = await createProduct(app, admin, 'Outage', INITIAL_STOCK);
    const firstOrder = await placeOrder(app, customer, productId);
    expect(firstOrder.status).toBe(201);

    const outcomes: Outcome[] = [];
    let running = true;
    const loop = async (kind: Outcome['kind']) => {
      while (running) {
        const started = Date.now();
        const response =
          kind === 'place'
            ? await placeOrder(app, customer, productId)
            : await call(app, 'GET', `/api/v1/orders/${firstOrder.body.data.id}`, { token: customer });
        outcomes.push({
          kind,
          status: response.status,
          code: response.body.error?.code,
          ms: Date.now() - started,
          at: Date.now(),
          orderId: kind === 'place' && response.status === 201 ? (response.body.data as { id: string }).id : undefined,
        });
        await sleep(20);
      }
    };
    const load = [loop('place'), loop('place'), loop('read'), loop('read')];

    await sleep(1000);
    const cutAt = Date.now();
    proxy.cut();
    const notReady = await eventually(
      async () => {
        const response = await fetch(`${app.baseUrl}/health/ready`);
        return response.status === 503 ? response.status : undefined;
      },
      5000,
      'readiness 503 during the outage',
    );
    expect(notReady).toBe(503);
    await sleep(OUTAGE_MS);
    const restoredAt = Date.now();
    proxy.restore();
    const recovered = await eventually(
      () => outcomes.find((o) => o.at > restoredAt && o.kind === 'place' && o.status === 201),
      20_000,
      'an order placed after the database returned',
    );
    const readyAgainMs = (await waitUntilReady(app, 20_000)) + (Date.now() - restoredAt);
    await sleep(500);
    running = false;
    await Promise.all(load);

    const during = outcomes.filter((o) => o.at > cutAt + 200 && o.at - o.ms < restoredAt);
    const failures = during.filter((o) => o.status !== 200 && o.status !== 201);
    const latencies = failures.map((o) => o.ms).sort((x, y) => x - y);
    const serverErrors = outcomes.filter((o) => o.status >= 500 && o.code !== 'SERVICE_UNAVAILABLE');
    process.stdout.write(
      `postgres outage: ${outcomes.length} requests, ${failures.length} answered 503 during a ${OUTAGE_MS} ms cut ` +
        `(median ${latencies[Math.floor(latencies.length / 2)]} ms, max ${latencies.at(-1)} ms), ` +
        `${serverErrors.length} other 5xx, first order ${recovered.at - restoredAt} ms after restore, ready again after ${readyAgainMs} ms\n`,
    );
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.every((o) => o.status === 503 && o.code === 'SERVICE_UNAVAILABLE')).toBe(true);
    expect(latencies.at(-1)).toBeLessThan(REQUEST_TIMEOUT_MS / 2);
    expect(serverErrors).toEqual([]);
    expect(outcomes.filter((o) => o.status !== 200 && o.status !== 201 && o.status !== 503)).toEqual([]);

    // Every order the client was told about exists, and every order that exists is whole and settles.
    const acknowledged = outcomes.flatMap((o) => (o.orderId ? [o.orderId] : [])).concat(firstOrder.body.data.id);
    const { rows: orders } = await db.query<{ id: string }>(
      `SELECT o.id FROM orders o WHERE EXISTS (SELECT 1 FROM order_items i WHERE i.order_id = o.id AND i.product_id = $1)`,
      [productId],
    );
    const stored = new Set(orders.map((row) => row.id));
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
    const { rows: incomplete } = await db.query<{ id: string }>(
      `SELECT o.id FROM orders o
        WHERE o.id = ANY($1)
          AND (NOT EXISTS (SELECT 1 FROM order_items i WHERE i.order_id = o.id)
               OR (SELECT count(*) FROM outbox_events e WHERE e.payload->>'orderId' = o.id::text
                     AND e.name IN ('order.created', 'inventory.reserved')) <> 2)`,
      [[...stored]],
    );
    expect(incomplete).toEqual([]);
    const { rows: orphans } = await db.query<{ n: string }>(
      `SELECT count(*) AS n FROM outbox_events e
        WHERE e.name = 'order.created' AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.id::text = e.payload->>'orderId')`,
    );
    expect(Number(orphans[0].n)).toBe(0);
    await eventually(
      async () => {
        const { rows } = await db.query<{ n: string }>(
          `SELECT count(*) AS n FROM orders WHERE id = ANY($1) AND status <> 'completed'`,
          [[...stored]],
        );
        return Number(rows[0].n) === 0;
      },
      30_000,
      'every stored order completed',
    );
    expect(await stockOf(db, productId)).toBe(INITIAL_STOCK - stored.size);
    // The outage outlasted the handlers' retry budget, yet no event was given up on.
    const { rows: deadLetters } = await db.query<{ n: string }>('SELECT count(*) AS n FROM dead_letter_events');
    expect(Number(deadLetters[0].n)).toBe(0);
    process.stdout.write(
      `postgres outage: ${acknowledged.length} orders acknowledged, ${stored.size} stored, all completed, stock consistent\n`,
    );
  }, 80_000);
});
