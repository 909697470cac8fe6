import type { Response } from 'supertest';

import { MetricsRegistry } from '../src/platform/metrics/metrics-registry';
import { PingModule } from './support/fixtures/ping.module';
import { metricValue } from './support/metrics';
import { PrivateRedis, redisServerAvailable } from './support/private-redis';
import { createTestApp, type TestApp, type TestAppOptions } from './support/test-app';
import { loginAs, registerUser } from './support/users';

/** Per signed-in user. */
const LIMIT = 20;
/** Per address, every request (anonymous ones are limited by this alone). */
const ADDRESS_LIMIT = 30;

function limitedApp(env: Record<string, string> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  return createTestApp({
    ...options,
    imports: [PingModule],
    env: {
      RATE_LIMIT_DEFAULT_LIMIT: String(LIMIT),
      RATE_LIMIT_ADDRESS_LIMIT: String(ADDRESS_LIMIT),
      RATE_LIMIT_BURST_LIMIT: '0',
      RATE_LIMIT_AUTH_LIMIT: '3',
      // Behind a (simulated) trusted proxy, so each test can be a different client address.
      TRUST_PROXY: 'true',
      // Exactness is promised while Redis answers within the deadline; the shared test Redis
      // sometimes does not within the production default, and a late answer is counted per instance.
      REDIS_REQUEST_TIMEOUT_MS: '1000',
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

/** How many times the rate-limit store was asked (one observation of its duration per call). */
async function storeCalls(app: TestApp, backend: string): Promise<number> {
  const metric = app.app.get(MetricsRegistry).registry.getSingleMetric('rate_limiting_check_duration_seconds');
  const values = metric ? (await metric.get()).values : [];
  return values
    .filter(
      (sample) =>
        (sample as { metricName?: string }).metricName?.endsWith('_count') && sample.labels.backend === backend,
    )
    .reduce((sum, sample) => sum + sample.value, 0);
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

  it(`lets exactly ${ADDRESS_LIMIT} of 200 concurrent anonymous requests through`, async () => {
    const responses = await flood(sut, 200);

    expect(count(responses, 200)).toBe(ADDRESS_LIMIT);
    expect(count(responses, 429)).toBe(200 - ADDRESS_LIMIT);
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

    expect(first.headers['x-ratelimit-limit']).toBe(String(ADDRESS_LIMIT));
    expect(Number(first.headers['x-ratelimit-remaining'])).toBe(ADDRESS_LIMIT - 1);
    expect(Number(second.headers['x-ratelimit-remaining'])).toBe(ADDRESS_LIMIT - 2);
    expect(Number(first.headers['x-ratelimit-reset'])).toBeGreaterThan(0);
  });

  it('counts requests refused before any handler, and sends the headers on those refusals too', async () => {
    const client = newClient();
    const refusals = [
      () => sut.http().get('/api/v1/users/me').set(client).set('Authorization', 'Bearer not.a.token'),
      () => sut.http().get('/api/v1/users/me').set(client).set('X-API-Key', 'ck_live_forged'),
      () => sut.http().get('/api/v1/no-such-route').set(client),
      () => sut.http().get('/no-such-route-outside-the-api').set(client),
      () => sut.http().post('/api/v1/auth/login').set(client).set('Content-Type', 'application/json').send('{"email":'),
      () =>
        sut
          .http()
          .post('/api/v1/auth/login')
          .set(client)
          .send({ email: 'a@example.com', password: 'x'.repeat(200_000) }),
    ];
    const statusesSeen: number[] = [];
    for (let i = 0; i < ADDRESS_LIMIT; i += 1) {
      const response = await refusals[i % refusals.length]();
      statusesSeen.push(response.status);
      expect(response.headers['x-ratelimit-limit']).toBe(String(ADDRESS_LIMIT));
      expect(Number(response.headers['x-ratelimit-remaining'])).toBe(ADDRESS_LIMIT - 1 - i);
    }
    expect(new Set(statusesSeen)).toEqual(new Set([401, 404, 400, 413]));

    // The address is spent: a bad token and a good route are both refused with 429 now.
    const limited = await refusals[0]().expect(429);
    expect(limited.body.error.code).toBe('RATE_LIMIT_EXCEEDED');
    await sut.http().get('/api/v1/ping').set(client).expect(429);
  });

  it('keys authenticated callers by user as well as by address', async () => {
    const signUp = async () => {
      const setup = newClient();
      return loginAs(sut, await registerUser(sut, {}, setup), setup);
    };
    const alice = await signUp();
    const bob = await signUp();

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
    expect(bobResponse.headers['x-ratelimit-limit']).toBe(String(LIMIT));
  });

  it('counts every window that applies to a request in one store call', async () => {
    const backend = sut.env.REDIS_URL ? 'redis' : 'memory';
    const calls = () => storeCalls(sut, backend);
    const client = newClient();
    const token = await loginAs(sut, await registerUser(sut, {}, client), client);
    const before = await calls();

    await sut.http().get('/api/v1/ping').set(newClient()).expect(200);
    const anonymous = (await calls()) - before;
    await sut.http().get('/api/v1/ping').set(newClient()).set('Authorization', `Bearer ${token}`).expect(200);
    const signedIn = (await calls()) - before - anonymous;

    // Anonymous: the address windows, one call. Signed in: the address windows, then the user's.
    expect(anonymous).toBe(1);
    expect(signedIn).toBe(2);
  });

  it('applies the stricter credential limit only where a route asks for it', async () => {
    const strict = await flood(sut, 6, '/api/v1/ping/credentials');

    expect(count(strict, 200)).toBe(3);
    expect(count(strict, 429)).toBe(3);
    expect(strict.find((response) => response.status === 200)?.headers['x-ratelimit-limit-auth']).toBe('3');
  });

  it('never limits the probes', async () => {
    const probes = await flood(sut, LIMIT * 2, '/health/live');

    expect(count(probes, 200)).toBe(LIMIT * 2);
  });

  it('counts limited requests by limit and route template', async () => {
    const address = { throttler: 'address', route: 'all' };
    const auth = { throttler: 'auth', route: '/api/v1/ping/credentials' };
    const [addressBefore, authBefore] = await Promise.all([
      metricValue(sut.app, 'rate_limit_exceeded_total', address),
      metricValue(sut.app, 'rate_limit_exceeded_total', auth),
    ]);

    await flood(sut, ADDRESS_LIMIT + 3);
    await flood(sut, 5, '/api/v1/ping/credentials');

    expect(await metricValue(sut.app, 'rate_limit_exceeded_total', address)).toBe(addressBefore + 3);
    expect(await metricValue(sut.app, 'rate_limit_exceeded_total', auth)).toBe(authBefore + 2);
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
      const responses = await flood(sut, ADDRESS_LIMIT + 10);

      expect(count(responses, 200)).toBe(ADDRESS_LIMIT);
      expect(count(responses, 429)).toBe(10);
      expect(
        await metricValue(sut.app, 'rate_limit_storage_errors_total', { mode: 'fail_open' }),
      ).toBeGreaterThanOrEqual(ADDRESS_LIMIT + 10);
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

describe('Client addresses without a trusted proxy', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await limitedApp({ TRUST_PROXY: 'false' });
  });

  afterAll(async () => {
    await sut.close();
  });

  it('ignores X-Forwarded-For: rotating it does not make a new client', async () => {
    const responses = await Promise.all(
      Array.from({ length: ADDRESS_LIMIT + 10 }, () => sut.http().get('/api/v1/ping').set(newClient())),
    );

    expect(count(responses, 200)).toBe(ADDRESS_LIMIT);
    expect(count(responses, 429)).toBe(10);
  });
});
