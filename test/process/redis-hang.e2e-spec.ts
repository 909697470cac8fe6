import { setTimeout as sleep } from 'node:timers/promises';

import type { AppProcess } from '../support/app-process';
import { eventually } from '../support/eventually';
import { call, scrapeSum } from '../support/http-client';
import { PrivateRedis } from '../support/private-redis';
import {
  adminToken,
  baseEnv,
  createProduct,
  customerToken,
  describeWithServices,
  placeOrder,
  startReady,
} from '../support/process-fixtures';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const FREEZE_MS = 4000;
const CONCURRENCY = 3;

interface Sample {
  readonly kind: number;
  readonly status: number;
  readonly ms: number;
  readonly at: number;
}

interface Readiness {
  readonly status: string;
  readonly details: { redis?: { status: string; circuit?: string } };
}

const p99 = (samples: readonly Sample[]) => {
  const sorted = samples.map((sample) => sample.ms).sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))];
};

/**
 * A Redis that hangs (SIGSTOP: connected, never answering) under load (docs/decisions/0029):
 * every Redis call a request waits for has a deadline and a breaker, so requests stay fast and
 * succeed on their fallbacks (cache miss, per-instance limits, revocation checked in Postgres),
 * readiness says "degraded" while staying 200, and after SIGCONT the app uses Redis again by itself.
 */
describeWithServices('redis hang e2e')('Redis frozen during load', () => {
  let database: TestDatabase;
  let redis: PrivateRedis;
  let app: AppProcess;

  beforeAll(async () => {
    [database, redis] = await Promise.all([createTestDatabase(), PrivateRedis.start()]);
    app = await startReady({
      ...baseEnv(database, 'redis-hang'),
      REDIS_URL: redis.url,
      REDIS_REQUEST_TIMEOUT_MS: '50',
      REDIS_BREAKER_THRESHOLD: '5',
      REDIS_BREAKER_HALF_OPEN_MS: '1000',
    });
  }, 60_000);

  afterAll(async () => {
    await app?.stop('SIGKILL');
    await redis?.stop();
    await database?.dispose();
  });

  const readiness = async (): Promise<{ code: number; body: Readiness }> => {
    const response = await fetch(`${app.baseUrl}/health/ready`);
    return { code: response.status, body: (await response.json()) as Readiness };
  };

  it('keeps p99 under 250 ms with no 5xx while Redis hangs, and recovers after SIGCONT', async () => {
    const admin = await adminToken(app);
    const customer = await customerToken(app, 'redishang');
    const productId = await createProduct(app, admin, 'Hang', 10_000);
    const order = await placeOrder(app, customer, productId);
    expect(order.status).toBe(201);

    const samples: Sample[] = [];
    let running = true;
    const requests = [
      () => call(app, 'GET', `/api/v1/products/${productId}`),
      () => call(app, 'GET', `/api/v1/orders/${order.body.data.id}`, { token: customer }),
      () => call(app, 'GET', '/api/v1/users/me', { token: customer }),
    ];
    const loop = async (worker: number) => {
      for (let i = worker; running; i += 1) {
        const started = performance.now();
        const response = await requests[i % requests.length]();
        samples.push({
          kind: i % requests.length,
          status: response.status,
          ms: performance.now() - started,
          at: Date.now(),
        });
        await sleep(20);
      }
    };
    const load = Array.from({ length: CONCURRENCY }, (_, worker) => loop(worker));

    await sleep(1000);
    const frozenAt = Date.now();
    redis.freeze();
    const degraded = await eventually(
      async () => {
        const { code, body } = await readiness();
        return body.details.redis?.status === 'degraded' ? { code, body } : undefined;
      },
      3000,
      'readiness reporting Redis degraded',
    );
    await sleep(FREEZE_MS);
    const fallbacksWhileFrozen = await scrapeSum(app, 'rate_limit_storage_errors_total');
    const thawedAt = Date.now();
    redis.thaw();

    const recoveredMs = await eventually(
      async () => ((await readiness()).body.details.redis?.status === 'up' ? Date.now() - thawedAt : undefined),
      10_000,
      'readiness reporting Redis up again',
    );
    await sleep(1500);
    const fallbacksAfter = await scrapeSum(app, 'rate_limit_storage_errors_total');
    await sleep(1000);
    running = false;
    await Promise.all(load);

    const frozen = samples.filter((sample) => sample.at > frozenAt && sample.at <= thawedAt);
    const before = samples.filter((sample) => sample.at <= frozenAt);
    process.stdout.write(
      `redis hang: ${samples.length} requests, ${frozen.length} during a ${FREEZE_MS} ms freeze; ` +
        `p99 before ${p99(before).toFixed(1)} ms, while frozen ${p99(frozen).toFixed(1)} ms ` +
        `(max ${Math.max(...frozen.map((sample) => sample.ms)).toFixed(1)} ms); ` +
        `${samples.filter((sample) => sample.status >= 500).length} 5xx; readiness up ${recoveredMs} ms after SIGCONT; ` +
        `p99 while frozen by route: ${requests.map((_, kind) => p99(frozen.filter((sample) => sample.kind === kind)).toFixed(1)).join(', ')}\n`,
    );
    expect(degraded.code).toBe(200);
    expect(degraded.body.status).toBe('degraded');
    expect(frozen.length).toBeGreaterThan(50);
    expect(p99(frozen)).toBeLessThan(250);
    expect(samples.filter((sample) => sample.status !== 200)).toEqual([]);
    // Rate limits went per instance while frozen, and back to Redis after: no new fallbacks.
    expect(fallbacksWhileFrozen).toBeGreaterThan(0);
    expect(await scrapeSum(app, 'rate_limit_storage_errors_total')).toBe(fallbacksAfter);
  }, 60_000);
});
