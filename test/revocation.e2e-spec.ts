import { setTimeout as sleep } from 'node:timers/promises';

import { Redis } from 'ioredis';

import { metricValue } from './support/metrics';
import { PrivateRedis, redisServerAvailable } from './support/private-redis';
import { createTestApp, type TestApp } from './support/test-app';
import { bearer, loginPair, registerUser, type SessionTokens } from './support/users';

const sessionOf = (accessToken: string): string =>
  (JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString()) as { fam: string }).fam;

const describeWithRedis = redisServerAvailable() ? describe : describe.skip;

describeWithRedis('Access-token revocation shared through Redis', () => {
  let redis: PrivateRedis;
  let client: Redis;
  let sut: TestApp;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    client = new Redis(redis.url, { maxRetriesPerRequest: 0, lazyConnect: true, retryStrategy: () => 200 });
    await client.connect();
    sut = await createTestApp({ env: { REDIS_URL: redis.url } });
  });

  afterAll(async () => {
    await sut.close();
    client.disconnect();
    await redis.stop();
  });

  const me = (accessToken: string) => sut.http().get('/api/v1/users/me').set(bearer(accessToken));
  const revocationKey = (sessionId: string) => `${sut.env.REDIS_KEY_PREFIX}revoked:session:${sessionId}`;

  async function newSession(): Promise<SessionTokens> {
    return loginPair(sut, await registerUser(sut));
  }

  it('writes a logout to Redis, expiring when the last access token of the session would', async () => {
    const session = await newSession();

    await sut.http().post('/api/v1/auth/logout').set(bearer(session.accessToken)).send({}).expect(204);

    const ttl = await client.pttl(revocationKey(sessionOf(session.accessToken)));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(sut.env.JWT_ACCESS_TTL_SECONDS * 1000);
  });

  it('honours a revocation another replica wrote to Redis', async () => {
    const session = await newSession();
    await me(session.accessToken).expect(200);

    await client.set(revocationKey(sessionOf(session.accessToken)), '1', 'PX', 60_000);

    await me(session.accessToken).expect(401);
  });

  it('during an outage answers from Postgres: revoked stays revoked, valid stays valid, both counted', async () => {
    const valid = await newSession();
    const revokedElsewhere = await newSession();
    // Another replica revoked this session durably; its Redis write never arrived here.
    await sut.dataSource.query(`UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1`, [
      sessionOf(revokedElsewhere.accessToken),
    ]);
    const errorsBefore = await metricValue(sut.app, 'revocation_store_errors_total', { operation: 'check' });
    const fallbacksBefore = await metricValue(sut.app, 'auth_revocation_fallbacks_total');

    await redis.kill();
    try {
      await me(valid.accessToken).expect(200);
      const refused = await me(revokedElsewhere.accessToken).expect(401);
      expect(refused.body.error.code).toBe('AUTHENTICATION_ERROR');
    } finally {
      await redis.resume();
    }

    expect(await metricValue(sut.app, 'revocation_store_errors_total', { operation: 'check' })).toBeGreaterThanOrEqual(
      errorsBefore + 2,
    );
    expect(await metricValue(sut.app, 'auth_revocation_fallbacks_total', { outcome: 'revoked' })).toBeGreaterThan(0);
    expect(await metricValue(sut.app, 'auth_revocation_fallbacks_total')).toBeGreaterThanOrEqual(fallbacksBefore + 2);
  }, 30_000);

  it('a logout during an outage holds at once here and reaches Redis when it returns', async () => {
    const session = await newSession();
    const key = revocationKey(sessionOf(session.accessToken));

    await redis.kill();
    try {
      await sut.http().post('/api/v1/auth/logout').set(bearer(session.accessToken)).send({}).expect(204);
      await me(session.accessToken).expect(401);
    } finally {
      await redis.resume();
    }
    await client.ping().catch(() => undefined);

    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && (await client.exists(key).catch(() => 0)) === 0) await sleep(200);
    expect(await client.exists(key)).toBe(1);
  }, 30_000);
});
