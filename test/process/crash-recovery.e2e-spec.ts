import type pg from 'pg';

import { type AppProcess, spawnApp, waitUntilReady } from '../support/app-process';
import { eventually } from '../support/eventually';
import type { JsonResponse } from '../support/http-client';
import {
  adminToken,
  baseEnv,
  connect,
  createProduct,
  customerToken,
  describeWithServices,
  handledCount,
  placeOrder,
  stockOf,
} from '../support/process-fixtures';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const INITIAL_STOCK = 100;
const QUANTITY = 2;
const paymentFor = (i: number) => (i % 2 ? 'tok_declined' : 'tok_ok');

/**
 * SIGKILL between the commit of orders and the handling of their events (docs/decisions/0022):
 * instance A serves the API only, so nothing of the saga runs before it dies, and it is killed in
 * the middle of a burst of placements. Another instance then finishes every saga from what was
 * committed (queued jobs, and outbox rows A never dispatched): each order reaches its final state,
 * a declined one gives its stock back exactly once.
 */
describeWithServices('crash recovery e2e')('SIGKILL in the middle of the order saga', () => {
  let database: TestDatabase;
  let db: pg.Client;
  let env: Record<string, string>;
  let a: AppProcess;
  let b: AppProcess | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    env = {
      ...baseEnv(database, 'crash'),
      // A short lease and poll, so rows A had claimed but not dispatched are taken over quickly.
      OUTBOX_LEASE_MS: '2000',
      OUTBOX_POLL_INTERVAL_MS: '500',
    };
    a = await spawnApp({ ...env, APP_ROLE: 'api' });
    await waitUntilReady(a, 30_000);
    db = await connect(database);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a?.stop('SIGKILL'), b?.stop('SIGKILL')]);
    await db?.end();
    await database?.dispose();
  });

  it('completes every committed saga on another instance', async () => {
    const admin = await adminToken(a);
    const customer = await customerToken(a, 'crash');
    const productId = await createProduct(a, admin, 'Crash', INITIAL_STOCK);
    const place = (i: number) =>
      placeOrder(a, customer, productId, { quantity: QUANTITY, paymentMethod: paymentFor(i) });

    const acknowledged = (await Promise.all(Array.from({ length: 8 }, (_, i) => place(i)))).map((response) => {
      expect(response.status).toBe(201);
      return response.body.data.id;
    });
    // A second burst, killed as soon as its first answer arrives: some of it commits, some does not.
    const burst = Array.from({ length: 10 }, (_, i) => place(8 + i).catch(() => undefined));
    const firstOfBurst = await Promise.race(burst);
    a.child.kill('SIGKILL');
    expect(await a.exited).toBe('SIGKILL');
    const lateAnswers = (await Promise.all(burst)).filter(
      (response): response is JsonResponse<{ id: string; status: string }> => response?.status === 201,
    );
    acknowledged.push(...lateAnswers.map((response) => response.body.data.id));
    expect(firstOfBurst?.status).toBe(201);

    const { rows: stored } = await db.query<{ id: string; status: string; payment_method: string }>(
      `SELECT o.id, o.status, o.payment_method FROM orders o
        WHERE EXISTS (SELECT 1 FROM order_items i WHERE i.order_id = o.id AND i.product_id = $1)`,
      [productId],
    );
    const ids = stored.map((row) => row.id);
    const { rows: pendingRows } = await db.query<{ n: string }>(
      'SELECT count(*) AS n FROM outbox_events WHERE dispatched_at IS NULL',
    );
    // Nothing of the saga ran on A: every committed order is still pending, its stock still held.
    expect(stored.every((row) => row.status === 'pending')).toBe(true);
    expect(await stockOf(db, productId)).toBe(INITIAL_STOCK - QUANTITY * stored.length);
    expect(acknowledged.every((id) => ids.includes(id))).toBe(true);

    const restartedAt = Date.now();
    b = await spawnApp({ ...env, APP_ROLE: 'all' });
    await waitUntilReady(b, 30_000);
    const settledMs = await eventually(
      async () => {
        const { rows } = await db.query<{ n: string }>(
          `SELECT count(*) AS n FROM orders WHERE id = ANY($1) AND status = 'pending'`,
          [ids],
        );
        return Number(rows[0].n) === 0 ? Date.now() - restartedAt : undefined;
      },
      45_000,
      'every committed order settled by the second instance',
    );

    const { rows: final } = await db.query<{ id: string; status: string; payment_method: string }>(
      'SELECT id, status, payment_method FROM orders WHERE id = ANY($1)',
      [ids],
    );
    for (const order of final)
      expect([order.payment_method, order.status]).toEqual([
        order.payment_method,
        order.payment_method === 'tok_ok' ? 'completed' : 'payment_failed',
      ]);
    const declined = final.filter((order) => order.status === 'payment_failed').map((order) => order.id);
    const completed = final.length - declined.length;
    const { rows: releases } = await db.query<{ order_id: string; n: string }>(
      `SELECT payload->>'orderId' AS order_id, count(*) AS n FROM outbox_events
        WHERE name = 'inventory.released' AND payload->>'orderId' = ANY($1) GROUP BY 1`,
      [ids],
    );
    expect(new Map(releases.map((row) => [row.order_id, Number(row.n)]))).toEqual(
      new Map(declined.map((id) => [id, 1])),
    );
    expect(await handledCount(db, 'SettleOrderHandler.failOrder', declined)).toBe(declined.length);
    expect(await stockOf(db, productId)).toBe(INITIAL_STOCK - QUANTITY * completed);
    process.stdout.write(
      `crash recovery: ${acknowledged.length} orders acknowledged, ${stored.length} committed before SIGKILL ` +
        `(${Number(pendingRows[0].n)} outbox rows never dispatched by A), all pending at the kill; ` +
        `second instance settled them ${settledMs} ms after start: ${completed} completed, ${declined.length} payment_failed with stock released once\n`,
    );
  }, 85_000);
});
