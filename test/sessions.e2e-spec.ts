import { createHmac, randomUUID } from 'node:crypto';

import { JwtService } from '@nestjs/jwt';

import { Role } from '../src/common/access/roles';
import { metricValue } from './support/metrics';
import { createTestApp, type TestApp } from './support/test-app';
import { bearer, createUserWithRole, loginPair, registerUser, type SessionTokens } from './support/users';

const REFRESH_TTL_SECONDS = 3600;
const base64url = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('Sessions: token pairs, rotation, reuse detection, logout', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await createTestApp({ env: { JWT_REFRESH_TTL_SECONDS: String(REFRESH_TTL_SECONDS) } });
  });

  afterAll(async () => {
    await sut.close();
  });

  const me = (accessToken: string) => sut.http().get('/api/v1/users/me').set(bearer(accessToken));
  const refresh = (refreshToken: string) => sut.http().post('/api/v1/auth/refresh').send({ refreshToken });

  async function newSession(): Promise<SessionTokens & { userId: string }> {
    const user = await registerUser(sut);
    return { ...(await loginPair(sut, user)), userId: user.id };
  }

  it('issues a pair whose refresh token lives JWT_REFRESH_TTL_SECONDS', async () => {
    const session = await newSession();
    const claims = JSON.parse(Buffer.from(session.refreshToken.split('.')[1], 'base64url').toString()) as {
      iat: number;
      exp: number;
      typ: string;
    };

    expect(claims.typ).toBe('refresh');
    expect(claims.exp - claims.iat).toBe(REFRESH_TTL_SECONDS);
    await me(session.accessToken).expect(200);
  });

  it('rotates: a refresh gives a new working pair, and the used refresh token stops working', async () => {
    const session = await newSession();

    const rotated = await refresh(session.refreshToken).expect(200);

    expect(rotated.body.data).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      tokenType: 'Bearer',
      expiresIn: 900,
    });
    expect(rotated.body.data.refreshToken).not.toBe(session.refreshToken);
    await me(rotated.body.data.accessToken).expect(200);
    const [row] = await sut.dataSource.query<Array<{ consumed_at: Date | null; replaced_by: string | null }>>(
      `SELECT consumed_at, replaced_by FROM refresh_tokens WHERE user_id = $1 AND consumed_at IS NOT NULL`,
      [session.userId],
    );
    expect(row.replaced_by).toEqual(expect.any(String));
  });

  it('revokes the whole family when a consumed refresh token is presented again', async () => {
    const session = await newSession();
    const rotated = (await refresh(session.refreshToken).expect(200)).body.data as SessionTokens;
    const reusesBefore = await metricValue(sut.app, 'auth_token_refreshes_total', { result: 'reused' });

    const reuse = await refresh(session.refreshToken).expect(401);

    expect(reuse.body.error.code).toBe('AUTHENTICATION_ERROR');
    // The thief's (or the client's) newer tokens die with the family.
    await refresh(rotated.refreshToken).expect(401);
    await me(rotated.accessToken).expect(401);
    await me(session.accessToken).expect(401);
    const rows = await sut.dataSource.query<Array<{ revoked_at: Date | null }>>(
      `SELECT revoked_at FROM refresh_tokens WHERE user_id = $1`,
      [session.userId],
    );
    expect(rows).toHaveLength(2);
    expect(rows.every((row) => row.revoked_at !== null)).toBe(true);
    expect(await metricValue(sut.app, 'auth_token_refreshes_total', { result: 'reused' })).toBe(reusesBefore + 1);
  });

  it('lets exactly one of two concurrent refreshes with the same token through', async () => {
    const session = await newSession();

    const responses = await Promise.all([refresh(session.refreshToken), refresh(session.refreshToken)]);

    expect(responses.map((response) => response.status).sort()).toEqual([200, 401]);
  });

  it('logout kills the access token at once, and the session’s refresh tokens', async () => {
    const session = await newSession();
    await me(session.accessToken).expect(200);

    await sut.http().post('/api/v1/auth/logout').set(bearer(session.accessToken)).send({}).expect(204);

    const after = await me(session.accessToken).expect(401);
    expect(after.body.error.code).toBe('AUTHENTICATION_ERROR');
    await refresh(session.refreshToken).expect(401);
  });

  it('logout with another session’s refresh token of the same user ends that one too', async () => {
    const user = await registerUser(sut);
    const phone = await loginPair(sut, user);
    const laptop = await loginPair(sut, user);

    await sut
      .http()
      .post('/api/v1/auth/logout')
      .set(bearer(phone.accessToken))
      .send({ refreshToken: laptop.refreshToken })
      .expect(204);

    await me(laptop.accessToken).expect(401);
    await refresh(laptop.refreshToken).expect(401);
  });

  it('ends nobody else’s session when given their refresh token', async () => {
    const mine = await newSession();
    const theirs = await newSession();

    await sut
      .http()
      .post('/api/v1/auth/logout')
      .set(bearer(mine.accessToken))
      .send({ refreshToken: theirs.refreshToken })
      .expect(204);

    await me(theirs.accessToken).expect(200);
  });

  it('a password change ends every session of the user (access and refresh tokens)', async () => {
    const user = await registerUser(sut);
    const first = await loginPair(sut, user);
    const second = await loginPair(sut, user);

    await sut
      .http()
      .patch('/api/v1/users/me')
      .set(bearer(first.accessToken))
      .send({ password: 'Another-Pass-77', currentPassword: user.password })
      .expect(200);

    await me(first.accessToken).expect(401);
    await me(second.accessToken).expect(401);
    await refresh(second.refreshToken).expect(401);
    const fresh = await loginPair(sut, { email: user.email, password: 'Another-Pass-77' });
    await me(fresh.accessToken).expect(200);
    await refresh(fresh.refreshToken).expect(200);
  });

  describe('the forged-token corpus', () => {
    const forger = new JwtService({});
    let victim: { id: string; accessToken: string; refreshToken: string };

    beforeAll(async () => {
      const user = await registerUser(sut);
      victim = { id: user.id, ...(await loginPair(sut, user)) };
    });

    function sign(payload: Record<string, unknown>, options: Parameters<JwtService['sign']>[1] = {}): string {
      return forger.sign(payload, {
        subject: victim.id,
        jwtid: randomUUID(),
        expiresIn: 60,
        algorithm: 'HS256',
        issuer: sut.env.JWT_ISSUER,
        audience: sut.env.JWT_AUDIENCE,
        secret: sut.env.JWT_SECRET,
        ...options,
      });
    }

    const accessClaims = () => {
      const [, payload] = victim.accessToken.split('.');
      return JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    };
    const validAccessPayload = () => ({ role: 'admin', typ: 'access', fam: accessClaims().fam, ver: 0 });

    const accessCorpus: Array<[string, () => string]> = [
      ['an expired token', () => sign(validAccessPayload(), { expiresIn: -10 })],
      [
        'a token with a tampered signature',
        () => {
          const [header, payload, signature] = victim.accessToken.split('.');
          const flipped = signature.startsWith('A') ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
          return `${header}.${payload}.${flipped}`;
        },
      ],
      [
        'a token with a tampered payload (role escalated)',
        () => {
          const [header, , signature] = victim.accessToken.split('.');
          return `${header}.${base64url({ ...accessClaims(), role: 'admin' })}.${signature}`;
        },
      ],
      [
        'an unsigned token (alg none)',
        () => `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ ...accessClaims(), role: 'admin' })}.`,
      ],
      [
        'a token claiming RS256 but signed with HMAC over the secret (algorithm confusion)',
        () => {
          const header = base64url({ alg: 'RS256', typ: 'JWT' });
          const payload = base64url(accessClaims());
          const signature = createHmac('sha256', sut.env.JWT_SECRET).update(`${header}.${payload}`).digest('base64url');
          return `${header}.${payload}.${signature}`;
        },
      ],
      [
        'a token signed with a public-key-looking secret',
        () =>
          sign(validAccessPayload(), {
            secret: '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----',
          }),
      ],
      ['a token signed with HS512', () => sign(validAccessPayload(), { algorithm: 'HS512' })],
      ['a token of another issuer', () => sign(validAccessPayload(), { issuer: 'someone-else' })],
      ['a token for another audience', () => sign(validAccessPayload(), { audience: 'another-app' })],
      ['a refresh token used as an access token', () => victim.refreshToken],
      ['a token of a user that does not exist', () => sign(validAccessPayload(), { subject: randomUUID() })],
      ['a token with a stale token version', () => sign({ ...validAccessPayload(), ver: 7 })],
      ['garbage', () => 'not.a.jwt'],
    ];

    it.each(accessCorpus)('answers %s with 401 AUTHENTICATION_ERROR', async (_label, token) => {
      const response = await me(token());

      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('AUTHENTICATION_ERROR');
      expect(response.headers['www-authenticate']).toBe('Bearer');
    });

    const refreshCorpus: Array<[string, () => string]> = [
      ['an access token used as a refresh token', () => victim.accessToken],
      ['a well-signed refresh token with an unknown jti', () => sign({ typ: 'refresh', fam: randomUUID(), ver: 0 })],
      ['an expired refresh token', () => sign({ typ: 'refresh', fam: randomUUID(), ver: 0 }, { expiresIn: -1 })],
      ['an unsigned refresh token', () => `${base64url({ alg: 'none' })}.${base64url({ typ: 'refresh' })}.`],
    ];

    it.each(refreshCorpus)('answers a refresh with %s with 401', async (_label, token) => {
      const response = await refresh(token());

      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('AUTHENTICATION_ERROR');
    });

    it('answers the token of a deactivated user with 401, at once', async () => {
      const admin = await createUserWithRole(sut, Role.Admin);
      const adminTokens = await loginPair(sut, admin);
      const user = await registerUser(sut);
      const tokens = await loginPair(sut, user);
      await me(tokens.accessToken).expect(200);

      await sut.http().delete(`/api/v1/users/${user.id}`).set(bearer(adminTokens.accessToken)).expect(204);

      expect((await me(tokens.accessToken)).status).toBe(401);
      expect((await refresh(tokens.refreshToken)).status).toBe(401);
      const login = await sut.http().post('/api/v1/auth/login').send({ email: user.email, password: user.password });
      expect(login.status).toBe(401);
    });
  });
});
