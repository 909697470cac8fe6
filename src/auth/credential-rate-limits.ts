import { createHash } from 'node:crypto';

import { readCookie, REFRESH_TOKEN_COOKIE } from '../common/http/auth-cookies';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Which account a login attempt targets: the normalised email of the raw body (limits run
 * before validation), hashed so no address ends up in a Redis key.
 */
export function loginAccount(request: Record<string, unknown>): string {
  const body = request.body as { email?: unknown } | undefined;
  const email = typeof body?.email === 'string' ? body.email.trim().toLowerCase() : '';
  return `login:${createHash('sha256').update(email).digest('base64url').slice(0, 22)}`;
}

/**
 * Which session a refresh targets: the family named in the presented token (body or cookie).
 * Read without verification, since it only chooses a counter: a forged family counts against
 * nobody's session (and the token then fails), while every real token of a session shares one.
 * The user id is not used on purpose: anyone knowing it could exhaust that user's refreshes.
 */
export function refreshSession(request: Record<string, unknown>): string {
  const body = request.body as { refreshToken?: unknown } | undefined;
  const token = typeof body?.refreshToken === 'string' ? body.refreshToken : readCookie(request, REFRESH_TOKEN_COOKIE);
  return `refresh:${familyOf(token) ?? 'unknown'}`;
}

function familyOf(token: string | undefined): string | undefined {
  const payload = token?.split('.')[1];
  if (!payload || payload.length > 2048) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { fam?: unknown };
    return typeof claims.fam === 'string' && UUID.test(claims.fam) ? claims.fam : undefined;
  } catch {
    return undefined;
  }
}
