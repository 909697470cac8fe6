/**
 * Keys whose values never reach a log line, wherever they appear in a logged object down to three
 * levels (`password`, `body.password`, `req.headers.authorization`). Request headers are not
 * logged at all (see the serializers); these catch secrets that reach a log through an object
 * logged on purpose.
 */
export const SENSITIVE_KEYS: ReadonlySet<string> = new Set([
  'password',
  'currentPassword',
  'newPassword',
  'passwordHash',
  'token',
  'accessToken',
  'refreshToken',
  'apiKey',
  'secret',
  'csrfToken',
  'authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'x-csrf-token',
  // Personal data: encrypted at rest (users.phone), so never in clear in a log either.
  'phone',
]);

export const REDACTION_CENSOR = '[REDACTED]';

/** Depth of `a.b.key`: the deepest level at which a sensitive key is censored. */
const MAX_DEPTH = 3;

/**
 * The object with every sensitive key's value replaced by the censor, as a copy of only the
 * branches that change; the object itself when nothing needs hiding (the usual case, which costs
 * one key lookup per property). Used as pino's `formatters.log`, instead of pino's path-based
 * `redact`: with a wildcard path per key and level, that cost ~120 µs per line, ~60 times the
 * cost of writing the line (docs/performance.md).
 */
export function redactSecrets<T extends object>(value: T, depth = 1): T {
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const current = (value as Record<string, unknown>)[key];
    let next = current;
    if (SENSITIVE_KEYS.has(key)) next = REDACTION_CENSOR;
    else if (depth < MAX_DEPTH && isPlainContainer(current)) next = redactSecrets(current, depth + 1);
    if (next === current) continue;
    copy ??= (Array.isArray(value) ? [...value] : { ...value }) as Record<string, unknown>;
    copy[key] = next;
  }
  return (copy as T | undefined) ?? value;
}

/** Plain objects and arrays; errors, dates, buffers and class instances are left to their serializers. */
function isPlainContainer(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return true;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}
