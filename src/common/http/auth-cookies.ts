/**
 * Names shared by the code that sets the cookie-mode credentials (auth slice) and the code that
 * reads them (authentication and CSRF guards).
 */
// `__Host-`: the browser accepts the cookie only with Secure, Path=/ and no Domain, so a sibling
// subdomain cannot plant or overwrite it. The refresh cookie is scoped to the auth routes, which
// rules out `__Host-`; `__Secure-` still demands Secure.
export const ACCESS_TOKEN_COOKIE = '__Host-access_token';
export const REFRESH_TOKEN_COOKIE = '__Secure-refresh_token';
export const CSRF_COOKIE = '__Host-csrf_token';
export const CSRF_HEADER = 'x-csrf-token';

/** Methods that change state: a cookie-authenticated request using one needs a CSRF token. */
export const UNSAFE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A cookie of the request as a string (cookie-parser leaves values untyped), or undefined. */
export function readCookie(request: { cookies?: unknown }, name: string): string | undefined {
  const cookies = request.cookies as Record<string, unknown> | undefined;
  const value = cookies?.[name];
  return typeof value === 'string' ? value : undefined;
}
