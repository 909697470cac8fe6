import { randomBytes } from 'node:crypto';

import {
  ACCESS_COOKIE as ACCESS,
  cookieHeader,
  cookieLogin as cookieLoginTo,
  type CookieSession,
  CSRF_COOKIE as CSRF,
  REFRESH_COOKIE as REFRESH,
  setCookies,
} from './support/cookies';
import { createTestApp, type TestApp } from './support/test-app';
import { bearer, loginPair, registerUser } from './support/users';

describe('Cookie mode and CSRF', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await createTestApp({
      env: { CORS_ORIGINS: 'https://shop.example.com', CORS_ORIGIN_PATTERNS: 'https://*.preview.example.com' },
    });
  });

  afterAll(async () => {
    await sut.close();
  });

  const cookieLogin = () => cookieLoginTo(sut);

  const patchMe = (session: CookieSession, headers: Record<string, string> = {}) =>
    sut
      .http()
      .patch('/api/v1/users/me')
      .set('Cookie', cookieHeader(session.cookies))
      .set(headers)
      .send({ fullName: 'Cookie Monster' });

  it('sets httpOnly, Secure, SameSite=Strict cookies instead of returning the tokens', async () => {
    const { response } = await cookieLogin();

    expect(response.body.data).toEqual({ expiresIn: 900, csrfToken: expect.any(String) });
    const set = setCookies(response);
    expect(set.get(ACCESS)?.attributes).toMatch(/Path=\/;.*HttpOnly; Secure; SameSite=Strict/);
    expect(set.get(REFRESH)?.attributes).toMatch(/Path=\/api\/v1\/auth;.*HttpOnly; Secure; SameSite=Strict/);
    expect(set.get(CSRF)?.attributes).toMatch(/Secure; SameSite=Strict/);
    expect(set.get(CSRF)?.attributes).not.toContain('HttpOnly');
  });

  it('authenticates safe requests with the access cookie alone', async () => {
    const session = await cookieLogin();

    await sut.http().get('/api/v1/users/me').set('Cookie', cookieHeader(session.cookies)).expect(200);
  });

  it('answers an unsafe cookie request without a CSRF token with 403 CSRF_INVALID', async () => {
    const session = await cookieLogin();

    const response = await patchMe(session).expect(403);

    expect(response.body.error.code).toBe('CSRF_INVALID');
  });

  it('answers a wrong CSRF token with 403, and the right one passes', async () => {
    const session = await cookieLogin();
    const other = await cookieLogin();

    await patchMe(session, { 'X-CSRF-Token': 'forged.value' }).expect(403);
    // Header and cookie agree, but they were issued for another session.
    await patchMe(
      { ...session, cookies: { ...session.cookies, [CSRF]: other.csrfToken } },
      { 'X-CSRF-Token': other.csrfToken },
    ).expect(403);
    // The right token in the header without the cookie: the double submit is incomplete.
    const { [CSRF]: _omitted, ...withoutCsrfCookie } = session.cookies;
    await patchMe({ ...session, cookies: withoutCsrfCookie }, { 'X-CSRF-Token': session.csrfToken }).expect(403);

    const passed = await patchMe(session, { 'X-CSRF-Token': session.csrfToken }).expect(200);
    expect(passed.body.data.fullName).toBe('Cookie Monster');
  });

  it('GET /auth/csrf issues a fresh token for the cookie session', async () => {
    const session = await cookieLogin();

    const response = await sut.http().get('/api/v1/auth/csrf').set('Cookie', cookieHeader(session.cookies)).expect(200);
    const token = response.body.data.csrfToken as string;
    expect(setCookies(response).get(CSRF)?.value).toBe(token);

    await patchMe({ ...session, cookies: { ...session.cookies, [CSRF]: token } }, { 'X-CSRF-Token': token }).expect(
      200,
    );
  });

  it('exempts bearer and API-key requests', async () => {
    const user = await registerUser(sut);
    const { accessToken } = await loginPair(sut, user);
    await sut.http().patch('/api/v1/users/me').set(bearer(accessToken)).send({ fullName: 'Bearer' }).expect(200);
    const key = await sut
      .http()
      .post('/api/v1/auth/api-keys')
      .set(bearer(accessToken))
      .send({ name: 'ci', permissions: ['products:read', 'api_keys:manage'] })
      .expect(201);

    await sut
      .http()
      .post('/api/v1/auth/api-keys')
      .set('X-API-Key', key.body.data.apiKey)
      .send({ name: 'from-key', permissions: ['products:read'] })
      .expect(201);
  });

  it('rotates the cookies at /auth/refresh, which needs the CSRF token too', async () => {
    const session = await cookieLogin();
    const refresh = (headers: Record<string, string>) =>
      sut.http().post('/api/v1/auth/refresh').set('Cookie', cookieHeader(session.cookies)).set(headers).send({});

    const refused = await refresh({}).expect(403);
    expect(refused.body.error.code).toBe('CSRF_INVALID');
    const rotated = await refresh({ 'X-CSRF-Token': session.csrfToken }).expect(200);

    expect(rotated.body.data).toEqual({ expiresIn: 900, csrfToken: session.csrfToken });
    const set = setCookies(rotated);
    expect(set.get(ACCESS)?.value).not.toBe(session.cookies[ACCESS]);
    expect(set.get(REFRESH)?.value).not.toBe(session.cookies[REFRESH]);
    // The old refresh cookie is now consumed: replaying it revokes the session.
    await refresh({ 'X-CSRF-Token': session.csrfToken }).expect(401);
  });

  it('logs out: cookies cleared, the access cookie stops working at once', async () => {
    const session = await cookieLogin();

    await sut.http().post('/api/v1/auth/logout').set('Cookie', cookieHeader(session.cookies)).send({}).expect(403);
    const response = await sut
      .http()
      .post('/api/v1/auth/logout')
      .set('Cookie', cookieHeader(session.cookies))
      .set('X-CSRF-Token', session.csrfToken)
      .send({})
      .expect(204);

    const cleared = setCookies(response);
    for (const name of [ACCESS, REFRESH, CSRF])
      expect(cleared.get(name)?.attributes).toContain('Expires=Thu, 01 Jan 1970');
    await sut.http().get('/api/v1/users/me').set('Cookie', cookieHeader(session.cookies)).expect(401);
  });

  describe('CORS', () => {
    const preflight = (origin: string) =>
      sut
        .http()
        .options('/api/v1/users/me')
        .set('Origin', origin)
        .set('Access-Control-Request-Method', 'PATCH')
        .set('Access-Control-Request-Headers', 'content-type,x-csrf-token');

    it('allows an exact origin with credentials', async () => {
      const response = await preflight('https://shop.example.com');

      expect(response.status).toBe(204);
      expect(response.headers['access-control-allow-origin']).toBe('https://shop.example.com');
      expect(response.headers['access-control-allow-credentials']).toBe('true');
      expect(response.headers['access-control-allow-headers']).toContain('X-CSRF-Token');
    });

    it('allows a pattern origin without credentials', async () => {
      const response = await sut.http().get('/health/live').set('Origin', 'https://pr-42.preview.example.com');

      expect(response.headers['access-control-allow-origin']).toBe('https://pr-42.preview.example.com');
      expect(response.headers['access-control-allow-credentials']).toBeUndefined();
      expect(response.headers.vary).toContain('Origin');
    });

    it.each(['https://evil.example.net', 'https://a.b.preview.example.com', 'http://shop.example.com'])(
      'gives no CORS headers to %s',
      async (origin) => {
        const response = await sut.http().get('/health/live').set('Origin', origin);

        expect(response.headers['access-control-allow-origin']).toBeUndefined();
      },
    );
  });

  it('sends helmet’s headers and no X-Powered-By (HSTS only in production)', async () => {
    const response = await sut.http().get('/health/live').expect(200);

    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(response.headers['content-security-policy']).toEqual(expect.any(String));
    expect(response.headers['x-powered-by']).toBeUndefined();
    expect(response.headers['strict-transport-security']).toBeUndefined();
  });
});

describe('Security headers in production', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await createTestApp({
      env: {
        NODE_ENV: 'production',
        JWT_SECRET: randomBytes(48).toString('base64'),
        FIELD_ENCRYPTION_KEYS: `p1:${randomBytes(32).toString('base64')}`,
        STRIPE_SECRET_KEY: 'sk_test_securityheaders',
        METRICS_PUBLIC: 'true',
      },
    });
  });

  afterAll(async () => {
    await sut.close();
  });

  it('adds HSTS', async () => {
    const response = await sut.http().get('/health/live').expect(200);

    expect(response.headers['strict-transport-security']).toMatch(/max-age=\d+/);
  });
});
