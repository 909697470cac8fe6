import { setTimeout as sleep } from 'node:timers/promises';

import { Redis } from 'ioredis';
import type pg from 'pg';

import { type AppProcess, spawnApp, waitUntilReady } from '../support/app-process';
import { eventually } from '../support/eventually';
import { call, scrapeSum } from '../support/http-client';
import { PrivateRedis } from '../support/private-redis';
import {
  adminToken,
  baseEnv,
  connect,
  createProduct,
  customerToken,
  describeWithServices,
  orderStatuses,
  placeOrder,
  stockOf,
} from '../support/process-fixtures';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const OUTAGE_MS = 3000;
const INITIAL_STOCK = 10_000;

type Kind = 'product read' | 'order read' | 'product update' | 'order placement';
interface Outcome {
  readonly kind: Kind;
  readonly status: number;
  readonly at: number;
  readonly orderId?: string;
}

interface Readiness {
  readonly status: string;
  readonly details: { redis?: { status: string } };
}

/**
 * Redis killed under load and started again (docs/decisions/0022): reads never fail, writes that
 * do not need Redis go on, readiness reports Redis down but stays 200, and once Redis is back the
 * app uses it again by itself: cache hits, rate limits counted in Redis, queued events handled.
 */
describeWithServices('redis outage e2e')('Redis stopped during load', () => {
  let database: TestDatabase;
  let redis: PrivateRedis;
  let db: pg.Client;
  let app: AppProcess;
  let prefix: string;

  beforeAll(async () => {
    [database, redis] = await Promise.all([createTestDatabase(), PrivateRedis.start({ durable: true })]);
    const env: Record<string, string> = {
      ...baseEnv(database, 'redis-outage'),
      REDIS_URL: redis.url,
      OUTBOX_POLL_INTERVAL_MS: '500',
    };
    prefix = env.REDIS_KEY_PREFIX;
    app = await spawnApp(env);
    await waitUntilReady(app, 30_000);
    db = await connect(database);
  }, 60_000);

  afterAll(async () => {
    await app?.stop('SIGKILL');
    await redis?.stop();
    await db?.end();
    await database?.dispose();
  });

  const readiness = async (): Promise<{ code: number; body: Readiness }> => {
    const response = await fetch(`${app.baseUrl}/health/ready`);
    return { code: response.status, body: (await response.json()) as Readiness };
  };

  it('keeps serving without Redis and goes back to it without a restart', async () => {
    const admin = await adminToken(app);
    const customer = await customerToken(app, 'redisout');
    const productId = await createProduct(app, admin, 'Outage', INITIAL_STOCK);
    const first = await placeOrder(app, customer, productId);
    expect(first.status).toBe(201);

    const outcomes: Outcome[] = [];
    let running = true;
    let renamed = 0;
    const send: Record<Kind, () => Promise<{ status: number; body: { data: unknown } }>> = {
      'product read': () => call(app, 'GET', `/api/v1/products/${productId}`),
      'order read': () => call(app, 'GET', `/api/v1/orders/${first.body.data.id}`, { token: customer }),
      'product update': () =>
        call(app, 'PATCH', `/api/v1/products/${productId}`, { token: admin, body: { name: `Outage ${++renamed}` } }),
      'order placement': () => placeOrder(app, customer, productId),
    };
    const loop = async (kind: Kind) => {
      while (running) {
        const response = await send[kind]();
        const orderId =
          kind === 'order placement' && response.status === 201 ? (response.body.data as { id: string }).id : undefined;
        outcomes.push({ kind, status: response.status, at: Date.now(), orderId });
        await sleep(10);
      }
    };
    const load = (Object.keys(send) as Kind[]).map(loop);

    await sleep(1000);
    const killedAt = Date.now();
    await redis.kill();
    const degraded = await eventually(
      async () => {
        const { code, body } = await readiness();
        return body.details.redis?.status === 'degraded' ? { code, body } : undefined;
      },
      5000,
      'readiness reporting Redis down',
    );
    expect(degraded.code).toBe(200);
    expect(degraded.body.status).toBe('degraded');
    await sleep(OUTAGE_MS);

    const [hitsBefore, storageErrorsBefore] = await Promise.all([
      scrapeSum(app, 'cache_hits_total', 'backend="redis"'),
      scrapeSum(app, 'rate_limit_storage_errors_total'),
    ]);
    const restartedAt = Date.now();
    await redis.resume();
    const duringOutage = outcomes.filter((o) => o.at > killedAt + 100 && o.at < restartedAt);

    const readyAgainMs = await eventually(
      async () => ((await readiness()).body.details.redis?.status === 'up' ? Date.now() - restartedAt : undefined),
      15_000,
      'readiness reporting Redis up',
    );
    const cacheHitMs = await eventually(
      async () => {
        await call(app, 'GET', `/api/v1/products/${productId}`);
        return (await scrapeSum(app, 'cache_hits_total', 'backend="redis"')) > hitsBefore
          ? Date.now() - restartedAt
          : undefined;
      },
      15_000,
      'a cache hit from Redis',
    );
    running = false;
    await Promise.all(load);

    // Rate limits: checks are answered by Redis again (no more fallbacks), and a client first seen
    // now (limits are per user when signed in) gets its counter in Redis.
    const newcomer = await customerToken(app, 'newcomer');
    const keys = new Redis(redis.url);
    const rateLimitKeysBefore = new Set(await keys.keys(`${prefix}rl:*`));
    const storageErrorsAfterRecovery = await scrapeSum(app, 'rate_limit_storage_errors_total');
    for (let i = 0; i < 5; i += 1)
      expect((await call(app, 'GET', '/api/v1/orders', { token: newcomer })).status).toBe(200);
    const newKeys = (await keys.keys(`${prefix}rl:*`)).filter((key) => !rateLimitKeysBefore.has(key));
    await keys.quit();
    expect(await scrapeSum(app, 'rate_limit_storage_errors_total')).toBe(storageErrorsAfterRecovery);
    expect(storageErrorsBefore).toBeGreaterThan(0);
    expect(newKeys.length).toBeGreaterThan(0);

    // Events published while the queue was away wait in the outbox and are handled now.
    const placedDuringOutage = duringOutage.flatMap((o) => (o.orderId ? [o.orderId] : []));
    const allPlaced = outcomes.flatMap((o) => (o.orderId ? [o.orderId] : [])).concat(first.body.data.id);
    const sagaDoneMs = await eventually(
      async () => {
        const statuses = await orderStatuses(db, allPlaced);
        return [...statuses.values()].every((status) => status === 'completed') && statuses.size === allPlaced.length
          ? Date.now() - restartedAt
          : undefined;
      },
      30_000,
      'every order, including those placed during the outage, completed',
    );
    expect(await stockOf(db, productId)).toBe(INITIAL_STOCK - allPlaced.length);

    const count = (list: Outcome[], kind: Kind, ok: (status: number) => boolean) =>
      list.filter((o) => o.kind === kind && ok(o.status)).length;
    const serverErrors = outcomes.filter((o) => o.status >= 500);
    process.stdout.write(
      `redis outage: ${outcomes.length} requests (${duringOutage.length} during a ${OUTAGE_MS} ms outage: ` +
        `${count(duringOutage, 'product read', (s) => s === 200)} product reads, ${count(duringOutage, 'order read', (s) => s === 200)} order reads, ` +
        `${count(duringOutage, 'product update', (s) => s === 200)} product updates, ${placedDuringOutage.length} orders placed), ` +
        `${serverErrors.length} 5xx; recovery after restart: readiness ${readyAgainMs} ms, cache hit ${cacheHitMs} ms, ` +
        `saga of every order ${sagaDoneMs} ms\n`,
    );
    expect(serverErrors).toEqual([]);
    expect(outcomes.filter((o) => o.status >= 300)).toEqual([]);
    for (const kind of Object.keys(send) as Kind[]) expect(count(duringOutage, kind, () => true)).toBeGreaterThan(0);
    expect(placedDuringOutage.length).toBeGreaterThan(0);
  }, 85_000);
});
