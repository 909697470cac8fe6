import { Redis } from 'ioredis';

import type { AppProcess } from '../support/app-process';
import { eventually } from '../support/eventually';
import { call, newCustomer, scrapeSum } from '../support/http-client';
import { PrivateRedis } from '../support/private-redis';
import { baseEnv, describeWithServices, startReady } from '../support/process-fixtures';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

interface Session {
  readonly accessToken: string;
  readonly refreshToken: string;
}

const sessionIdOf = (accessToken: string): string =>
  (JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString()) as { fam: string }).fam;

/**
 * Redis keeps nothing on disk here: a restart empties it, revocations included. A session logged
 * out before the restart must stay dead on every replica, the one that never saw the logout too
 * (it has no in-process copy of it): the replicas find the store unseeded, answer from the
 * Postgres ledger, and seed Redis again from it.
 */
describeWithServices('revocation data-loss e2e')('Revocation after Redis loses its data', () => {
  let database: TestDatabase;
  let redis: PrivateRedis;
  let client: Redis;
  let prefix: string;
  let a: AppProcess;
  let b: AppProcess;

  beforeAll(async () => {
    [database, redis] = await Promise.all([createTestDatabase(), PrivateRedis.start()]);
    const env: Record<string, string> = { ...baseEnv(database, 'revocation-loss'), REDIS_URL: redis.url };
    prefix = env.REDIS_KEY_PREFIX;
    a = await startReady(env);
    b = await startReady(env);
    client = new Redis(redis.url, { maxRetriesPerRequest: 1, retryStrategy: () => 100 });
  }, 90_000);

  afterAll(async () => {
    client?.disconnect();
    await Promise.all([a?.stop('SIGTERM'), b?.stop('SIGTERM')]);
    await redis?.stop();
    await database?.dispose();
  });

  async function signIn(app: AppProcess, label: string): Promise<Session> {
    const credentials = await newCustomer(app, label);
    const login = await call<Session>(app, 'POST', '/api/v1/auth/login', { body: credentials });
    expect(login.status).toBe(200);
    return login.body.data;
  }

  const statusOn = async (app: AppProcess, token: string): Promise<number> =>
    (await call(app, 'GET', '/api/v1/users/me', { token })).status;

  it('keeps a logged-out token refused on every replica after Redis restarts empty', async () => {
    const loggedOut = await signIn(a, 'gone');
    const live = await signIn(a, 'live');
    expect([await statusOn(a, loggedOut.accessToken), await statusOn(b, loggedOut.accessToken)]).toEqual([200, 200]);
    expect((await call(a, 'POST', '/api/v1/auth/logout', { token: loggedOut.accessToken })).status).toBe(204);
    expect(await statusOn(b, loggedOut.accessToken)).toBe(401);
    const fallbacksBefore = await scrapeSum(b, 'auth_revocation_fallbacks_total');

    await redis.kill();
    await redis.resume();
    expect(await client.dbsize()).toBe(0);

    // Once the replicas are back on the emptied Redis, they seed it again from the ledger.
    const marker = `${prefix}revocations:seeded`;
    const sessionKey = `${prefix}revoked:session:${sessionIdOf(loggedOut.accessToken)}`;
    await eventually(
      async () => (await statusOn(b, live.accessToken)) === 200 && (await client.exists(marker)) === 1,
      20_000,
      'the emptied Redis seeded again',
    );
    expect(await client.exists(sessionKey)).toBe(1);
    expect(await client.pttl(sessionKey)).toBeGreaterThan(0);
    for (const app of [a, b]) {
      expect(await statusOn(app, loggedOut.accessToken)).toBe(401);
      expect(await statusOn(app, live.accessToken)).toBe(200);
    }
    expect(await scrapeSum(b, 'auth_revocation_fallbacks_total')).toBeGreaterThan(fallbacksBefore);
  }, 60_000);

  it('refuses a logged-out token on the other replica while Redis is still empty (before any seed)', async () => {
    const loggedOut = await signIn(a, 'gone2');
    expect((await call(a, 'POST', '/api/v1/auth/logout', { token: loggedOut.accessToken })).status).toBe(204);

    await redis.kill();
    await redis.resume();
    await eventually(async () => (await client.ping().catch(() => '')) === 'PONG', 10_000, 'Redis answering');

    // The first check on B after the restart: Redis answers, but cannot prove the token live.
    expect(await statusOn(b, loggedOut.accessToken)).toBe(401);
    expect(await statusOn(a, loggedOut.accessToken)).toBe(401);
  }, 60_000);
});
