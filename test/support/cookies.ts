import type { Response } from 'supertest';

import type { TestApp } from './test-app';
import { registerUser } from './users';

export const ACCESS_COOKIE = '__Host-access_token';
export const REFRESH_COOKIE = '__Secure-refresh_token';
export const CSRF_COOKIE = '__Host-csrf_token';

/** The cookies a response sets, by name: value and attributes. */
export function setCookies(response: Response): Map<string, { value: string; attributes: string }> {
  const header = response.headers['set-cookie'] as unknown as string[] | undefined;
  return new Map(
    (header ?? []).map((line) => {
      const [pair, ...attributes] = line.split(';');
      const separator = pair.indexOf('=');
      return [pair.slice(0, separator), { value: pair.slice(separator + 1), attributes: attributes.join(';') }];
    }),
  );
}

/** Name to value of the cookies a response sets, to merge into a jar. */
export function cookieValues(response: Response): Record<string, string> {
  return Object.fromEntries([...setCookies(response)].map(([name, { value }]) => [name, value]));
}

/** The Cookie request header for a jar. */
export const cookieHeader = (cookies: Record<string, string>): string =>
  Object.entries(cookies)
    .map(([name, value]) => `${name}=${value}`)
    .join('; ');

/** A browser's cookie jar for one cookie-mode session (Secure cookies are sent by hand over plain HTTP). */
export interface CookieSession {
  cookies: Record<string, string>;
  csrfToken: string;
}

/** Registers a customer and signs in with `?mode=cookie`; the login response is returned too. */
export async function cookieLogin(sut: TestApp): Promise<CookieSession & { response: Response }> {
  const user = await registerUser(sut);
  const response = await sut
    .http()
    .post('/api/v1/auth/login?mode=cookie')
    .send({ email: user.email, password: user.password })
    .expect(200);
  const set = setCookies(response);
  const cookies = Object.fromEntries(
    [ACCESS_COOKIE, REFRESH_COOKIE, CSRF_COOKIE].map((name) => [name, set.get(name)?.value ?? '']),
  );
  return { response, cookies, csrfToken: response.body.data.csrfToken as string };
}
