import { setTimeout as sleep } from 'node:timers/promises';

import { Queue } from 'bullmq';
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
  handledCount,
  orderStatuses,
  placeOrder,
  stockOf,
} from '../support/process-fixtures';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const DRAIN_MS = 1500;
const SHUTDOWN_TIMEOUT_MS = 15_000;
/** The stand-in provider never answers tok_down: each charge job takes this long, then fails the payment. */
const PAYMENT_TIMEOUT_MS = 2500;

/**
 * SIGTERM while a request and an event job are in flight (docs/decisions/0022): readiness is 503
 * during the drain while requests are still served, the request in flight completes, the worker
 * finishes its job but takes no new one, and the process exits 0 on its own within the grace period.
 */
describeWithServices('graceful shutdown e2e')('Graceful shutdown on SIGTERM', () => {
  let database: TestDatabase;
  let db: pg.Client;
  let locker: pg.Client;
  let app: AppProcess;
  let queue: Queue;

  beforeAll(async () => {
    database = await createTestDatabase();
    const env: Record<string, string> = {
      ...baseEnv(database, 'shutdown'),
      LOG_LEVEL: 'info',
      SHUTDOWN_DRAIN_MS: String(DRAIN_MS),
      SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
      PAYMENT_TIMEOUT_MS: String(PAYMENT_TIMEOUT_MS),
      PAYMENT_RETRIES: '0',
    };
    app = await spawnApp(env);
    await waitUntilReady(app, 30_000);
    [db, locker] = await Promise.all([connect(database), connect(database)]);
    queue = new Queue('domain-events', { connection: { url: env.REDIS_URL }, prefix: `${env.REDIS_KEY_PREFIX}bull` });
  }, 60_000);

  afterAll(async () => {
    await app?.stop('SIGKILL');
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
    await Promise.all([db?.end(), locker?.end()]);
    await database?.dispose();
  });

  it('drains, finishes what it holds, takes nothing new and exits 0', async () => {
    const admin = await adminToken(app);
    const customer = await customerToken(app, 'drain');
    const lockedProduct = await createProduct(app, admin, 'Locked', 100);
    const orderedProduct = await createProduct(app, admin, 'Ordered', 100);

    // A request that is legitimately slow: it waits for a row lock the test holds.
    await locker.query('BEGIN');
    await locker.query('SELECT 1 FROM products WHERE id = $1 FOR UPDATE', [lockedProduct]);
    const inFlight = call<{ stock: number }>(app, 'POST', `/api/v1/products/${lockedProduct}/stock`, {
      token: admin,
      body: { delta: 5 },
    });
    await eventually(
      async () => {
        const { rows } = await db.query<{ n: string }>(
          `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        return Number(rows[0].n) > 0;
      },
      10_000,
      'the stock request waiting for the lock',
    );

    // An event job that is legitimately slow: charging a provider that does not answer.
    const slowOrder = await placeOrder(app, customer, orderedProduct, { quantity: 2, paymentMethod: 'tok_down' });
    expect(slowOrder.status).toBe(201);
    await eventually(async () => (await queue.getActiveCount()) > 0, 10_000, 'the charge job running');

    const signalledAt = Date.now();
    app.child.kill('SIGTERM');

    const drainingReadiness = await eventually(
      async () => {
        const response = await fetch(`${app.baseUrl}/health/ready`);
        return response.status === 503 ? ((await response.json()) as { status: string }) : undefined;
      },
      DRAIN_MS,
      'readiness 503 during the drain',
    );
    expect(drainingReadiness.status).toBe('shutting_down');
    // Still serving while draining: a load balancer that has not noticed yet loses nothing.
    const lateOrder = await placeOrder(app, customer, orderedProduct);
    expect(lateOrder.status).toBe(201);

    await sleep(DRAIN_MS);
    expect(app.child.exitCode).toBeNull();
    await locker.query('COMMIT');

    const completed = await inFlight;
    expect(completed.status).toBe(200);
    expect(completed.body.data.stock).toBe(105);

    const exit = await app.exited;
    const shutdownMs = Date.now() - signalledAt;
    process.stdout.write(
      `graceful shutdown: readiness 503 during a ${DRAIN_MS} ms drain, in-flight request 200, exit ${String(exit)} after ${shutdownMs} ms\n`,
    );
    expect(exit).toBe(0);
    expect(shutdownMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
    expect(app.output()).toContain('"msg":"Shutdown complete"');

    // The job it held finished (the payment failed after the provider timeout and that was recorded)...
    const slowId = slowOrder.body.data.id;
    expect(await handledCount(db, 'ChargePaymentHandler.chargeForReservedOrder', [slowId])).toBe(1);
    const { rows: published } = await db.query<{ n: string }>(
      `SELECT count(*) AS n FROM outbox_events WHERE name = 'payment.failed' AND payload->>'orderId' = $1`,
      [slowId],
    );
    expect(Number(published[0].n)).toBe(1);
    // ...but nothing new was taken: the follow-up of that job and the late order wait in the queue.
    expect(await handledCount(db, 'SettleOrderHandler.failOrder', [slowId])).toBe(0);
    const lateId = lateOrder.body.data.id;
    expect(await handledCount(db, 'ChargePaymentHandler.chargeForReservedOrder', [lateId])).toBe(0);
    expect(await orderStatuses(db, [slowId, lateId])).toEqual(
      new Map([
        [slowId, 'pending'],
        [lateId, 'pending'],
      ]),
    );
    expect(await queue.getWaitingCount()).toBeGreaterThanOrEqual(2);
    expect(await stockOf(db, orderedProduct)).toBe(97);
    // Its pool said goodbye: no session of the app is left on the server.
    const { rows: sessions } = await db.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'commerce-api'`,
    );
    expect(Number(sessions[0].n)).toBe(0);
  }, 60_000);
});
