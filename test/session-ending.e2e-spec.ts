import { setTimeout as sleep } from 'node:timers/promises';

import {
  cookieHeader,
  cookieLogin as cookieLoginTo,
  cookieValues,
  CSRF_COOKIE as CSRF,
  REFRESH_COOKIE as REFRESH,
} from './support/cookies';
import { createTestApp, type TestApp } from './support/test-app';
import { bearer, loginPair, registerUser } from './support/users';

const SESSION_MAX_SECONDS = 10;

const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { exp: number; fam: string };

/** A session can always be ended, and never outlives JWT_SESSION_MAX_SECONDS however often it is refreshed. */
describe('Ending sessions', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await createTestApp({ env: { JWT_SESSION_MAX_SECONDS: String(SESSION_MAX_SECONDS) } });
  });

  afterAll(async () => {
    await sut.close();
  });

  const me = (accessToken: string) => sut.http().get('/api/v1/users/me').set(bearer(accessToken));
  const refresh = (refreshToken: string) => sut.http().post('/api/v1/auth/refresh').send({ refreshToken });

  const cookieLogin = () => cookieLoginTo(sut);

  it('logs out a bearer client that sends no body and no content type', async () => {
    const session = await loginPair(sut, await registerUser(sut));

    const response = await sut.http().post('/api/v1/auth/logout').set(bearer(session.accessToken));

    expect(response.status).toBe(204);
    await me(session.accessToken).expect(401);
    await refresh(session.refreshToken).expect(401);
  });

  it('logs out with the refresh token alone, for a client whose access token has expired', async () => {
    const session = await loginPair(sut, await registerUser(sut));

    await sut.http().post('/api/v1/auth/logout').send({ refreshToken: session.refreshToken }).expect(204);

    await refresh(session.refreshToken).expect(401);
    await me(session.accessToken).expect(401);
  });

  it('refuses a logout with no credentials at all, or with a forged refresh token', async () => {
    await sut.http().post('/api/v1/auth/logout').expect(401);
    const session = await loginPair(sut, await registerUser(sut));
    const [header, payload] = session.refreshToken.split('.');

    await sut
      .http()
      .post('/api/v1/auth/logout')
      .send({ refreshToken: `${header}.${payload}.${'A'.repeat(43)}` })
      .expect(401);
    await me(session.accessToken).expect(200);
  });

  it('refreshes and logs out a cookie-mode browser that sends no body and no content type', async () => {
    const session = await cookieLogin();

    const refreshed = await sut
      .http()
      .post('/api/v1/auth/refresh')
      .set('Cookie', cookieHeader(session.cookies))
      .set('X-CSRF-Token', session.csrfToken);
    expect(refreshed.status).toBe(200);
    const renewed = { ...session.cookies, ...cookieValues(refreshed) };

    const loggedOut = await sut
      .http()
      .post('/api/v1/auth/logout')
      .set('Cookie', cookieHeader(renewed))
      .set('X-CSRF-Token', session.csrfToken);
    expect(loggedOut.status).toBe(204);
    await sut.http().get('/api/v1/users/me').set('Cookie', cookieHeader(renewed)).expect(401);
  });

  it('logs out a browser holding only the refresh cookie, and only with the CSRF token of its session', async () => {
    const session = await cookieLogin();
    const refreshOnly = { [REFRESH]: session.cookies[REFRESH], [CSRF]: session.cookies[CSRF] };

    const forged = await sut.http().post('/api/v1/auth/logout').set('Cookie', cookieHeader(refreshOnly));
    expect(forged.status).toBe(403);
    expect(forged.body.error.code).toBe('CSRF_INVALID');
    await sut.http().get('/api/v1/users/me').set('Cookie', cookieHeader(session.cookies)).expect(200);

    await sut
      .http()
      .post('/api/v1/auth/logout')
      .set('Cookie', cookieHeader(refreshOnly))
      .set('X-CSRF-Token', session.csrfToken)
      .expect(204);
    await sut.http().get('/api/v1/users/me').set('Cookie', cookieHeader(session.cookies)).expect(401);
  });

  it(`ends a session ${SESSION_MAX_SECONDS} s after sign-in, however often it is refreshed`, async () => {
    const startedAt = Math.floor(Date.now() / 1000);
    let pair = await loginPair(sut, await registerUser(sut));
    const sessionEnd = startedAt + SESSION_MAX_SECONDS + 1;

    while (Math.floor(Date.now() / 1000) < startedAt + SESSION_MAX_SECONDS - 3) {
      const rotated = await refresh(pair.refreshToken).expect(200);
      pair = rotated.body.data as typeof pair;
      expect(claimsOf(pair.refreshToken).exp).toBeLessThanOrEqual(sessionEnd);
      expect(claimsOf(pair.accessToken).exp).toBeLessThanOrEqual(sessionEnd);
      await sleep(1_500);
    }
    await sleep((sessionEnd + 1 - Date.now() / 1000) * 1000);

    await refresh(pair.refreshToken).expect(401);
    await me(pair.accessToken).expect(401);
  }, 30_000);
});
