export type Caller = 'anonymous' | 'customer' | 'admin';

export const ALL_CALLERS: readonly Caller[] = ['anonymous', 'customer', 'admin'];

/**
 * What a case must get back.
 * - `status`: the answer for a caller allowed to use the operation. Anonymous callers of a
 *   protected operation get 401 instead, and customers may get 403 (the permission guard runs
 *   before any input is looked at), unless `decidedBeforeAuth`.
 * - `decidedBeforeAuth`: the request is refused while it is read (body parsing, routing), so every
 *   caller gets `status`.
 * - `'baseline'`: the input must be ignored; the answer is whatever the plain request gets.
 */
interface Expectation {
  readonly status: number | 'baseline';
  readonly code?: string;
  readonly decidedBeforeAuth?: boolean;
}

export interface HostileCase {
  readonly operation: string;
  readonly category: string;
  /** What is hostile about it, for failure messages. */
  readonly description: string;
  readonly method: string;
  /** Path and query string, already encoded as they go on the wire. */
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  readonly expect: Expectation;
  /** Who sends it; all three unless the case only makes sense for some. */
  readonly callers?: readonly Caller[];
  /** An X-Request-ID to send along (sane ones must be echoed, others replaced). */
  readonly requestId?: string;
}

/** The error codes of docs/api.md with their statuses. */
export const STATUS_BY_ERROR_CODE: Readonly<Record<string, number>> = {
  VALIDATION_ERROR: 422,
  BAD_REQUEST: 400,
  PAYLOAD_TOO_LARGE: 413,
  HEADERS_TOO_LARGE: 431,
  REQUEST_TIMEOUT: 408,
  AUTHENTICATION_ERROR: 401,
  PERMISSION_DENIED: 403,
  CSRF_INVALID: 403,
  RESOURCE_NOT_FOUND: 404,
  RESOURCE_ALREADY_EXISTS: 409,
  INVALID_STATE: 409,
  INSUFFICIENT_STOCK: 409,
  BUSINESS_RULE_VIOLATION: 422,
  OPERATION_NOT_ALLOWED: 403,
  RATE_LIMIT_EXCEEDED: 429,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL_ERROR: 500,
};

export const JSON_HEADERS: Readonly<Record<string, string>> = { 'content-type': 'application/json' };

/** `JSON.stringify` keeps unpaired surrogates as `\uXXXX` escapes, so they reach the server as sent. */
export function jsonBody(value: unknown): string {
  return JSON.stringify(value);
}
