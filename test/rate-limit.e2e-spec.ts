import type { Response } from 'supertest';

import { PingModule } from './support/fixtures/ping.module';
import { metricValue } from './support/metrics';
import { PrivateRedis, redisServerAvailable } from './support/private-redis';
import { createTestApp, type TestApp, type TestAppOptions } from './support/test-app';
import { loginAs, registerUser } from './support/users';

const LIMIT = 20;

function limitedApp(env: Record<string, string> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  return createTestApp({
    ...options,
    imports: [PingModule],
    env: {
      RATE_LIMIT_DEFAULT_LIMIT: String(LIMIT),
      RATE_LIMIT_BURST_LIMIT: '0',
      RATE_LIMIT_AUTH_LIMIT: '3',
      // Behind a (simulated) trusted proxy, so each test can be a different client address.
      TRUST_PROXY: 'true',
      ...env,
    },
  });
}

let lastClient = 0;
/** A fresh client address for X-Forwarded-For (a header value only; all traffic stays on loopback). */
const newClient = () => {
  lastClient += 1;
  return { 'X-Forwarded-For': `127.0.${Math.floor(lastClient / 250)}.${lastClient % 250}` };
};

async function flood(
  app: TestApp,
  count: number,
  path = '/api/v1/ping',
  headers: Record<string, string> = newClient(),
): Promise<Response[]> {
  return Promise.all(Array.from({ length: count }, () => app.http().get(path).set(headers)));
}

const statuses = (responses: Response[]) => responses.map((response) => response.status);
const count = (responses: Response[], status: number) => statuses(responses).filter((s) => s === status).length;

const backends: Array<[string, () => Record<string, string>]> = [['in-process', () => ({})]];
if (process.env.REDIS_URL) backends.push(['Redis', () => ({ REDIS_URL: process.env.REDIS_URL ?? '' })]);

describe.each(backends)('Rate limits with %s counters', (_backend, env) => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await limitedApp(env());
  });

  afterAll(async () => {
    await sut.close();
  });

  it(`lets exactly ${LIMIT} of 200 concurrent requests through`, async () => {
    const responses = await flood(sut, 200);

    expect(count(responses, 200)).toBe(LIMIT);
    expect(count(responses, 429)).toBe(200 - LIMIT);
    const limited = responses.find((response) => response.status === 429);
    expect(limited?.body).toEqual({
      success: false,
      error: expect.objectContaining({ code: 'RATE_LIMIT_EXCEEDED' }),
      requestId: expect.any(String),
    });
    expect(Number(limited?.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited?.headers['x-ratelimit-remaining']).toBe('0');
  });

  it('sends X-RateLimit headers on every limited response', async () => {
    const client = newClient();
    const first = await sut.http().get('/api/v1/ping').set(client).expect(200);
    const second = await sut.http().get('/api/v1/ping').set(client).expect(200);

    expect(first.headers['x-ratelimit-limit']).toBe(String(LIMIT));
    expect(Number(first.headers['x-ratelimit-remaining'])).toBe(LIMIT - 1);
    expect(Number(second.headers['x-ratelimit-remaining'])).toBe(LIMIT - 2);
    expect(Number(first.headers['x-ratelimit-reset'])).toBeGreaterThan(0);
  });

  it('keys authenticated callers by user, not by address', async () => {
    const setup = newClient();
    const alice = await loginAs(sut, await registerUser(sut, {}, setup), setup);
    const bob = await loginAs(sut, await registerUser(sut, {}, setup), setup);

    const sameAddress = newClient();
    const aliceResponses = await flood(sut, LIMIT + 5, '/api/v1/ping', {
      ...sameAddress,
      Authorization: `Bearer ${alice}`,
    });
    const bobResponse = await sut
      .http()
      .get('/api/v1/ping')
      .set({ ...sameAddress, Authorization: `Bearer ${bob}` });

    expect(count(aliceResponses, 200)).toBe(LIMIT);
    expect(bobResponse.status).toBe(200);
  });

  it('applies the stricter credential limit only where a route asks for it', async () => {
    const strict = await flood(sut, 6, '/api/v1/ping/credentials');

    expect(count(strict, 200)).toBe(3);
    expect(count(strict, 429)).toBe(3);
  });

  it('never limits the probes', async () => {
    const probes = await flood(sut, LIMIT * 2, '/health/live');

    expect(count(probes, 200)).toBe(LIMIT * 2);
  });

  it('counts limited requests by limit and route template', async () => {
    const labels = { throttler: 'default', route: '/api/v1/ping' };
    const before = await metricValue(sut.app, 'rate_limit_exceeded_total', labels);

    await flood(sut, LIMIT + 3);

    expect(await metricValue(sut.app, 'rate_limit_exceeded_total', labels)).toBe(before + 3);
  });
});

const describeOutage = redisServerAvailable() ? describe : describe.skip;

describeOutage('Rate limits while their Redis is down', () => {
  let redis: PrivateRedis;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
  });

  afterAll(async () => {
    await redis.stop();
  });

  it('fail open by default: counted per instance, logged and counted as errors', async () => {
    const sut = await limitedApp({ REDIS_URL: redis.url });
    try {
      await redis.kill();
      const responses = await flood(sut, 30);

      expect(count(responses, 200)).toBe(LIMIT);
      expect(count(responses, 429)).toBe(10);
      expect(
        await metricValue(sut.app, 'rate_limit_storage_errors_total', { mode: 'fail_open' }),
      ).toBeGreaterThanOrEqual(30);
    } finally {
      await redis.resume();
      await sut.close();
    }
  });

  it('fail closed when configured: 503 SERVICE_UNAVAILABLE', async () => {
    const sut = await limitedApp({ REDIS_URL: redis.url, RATE_LIMIT_FAIL_CLOSED: 'true' });
    try {
      await redis.kill();
      const response = await sut.http().get('/api/v1/ping').expect(503);

      expect(response.body.error.code).toBe('SERVICE_UNAVAILABLE');
    } finally {
      await redis.resume();
      await sut.close();
    }
  });
});
