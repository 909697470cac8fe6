import { QueryFailedError } from 'typeorm';

/** How long a delivery waits before it is tried again while the database is unreachable. */
export const OUTAGE_RETRY_DELAY_MS = 1000;

/** Failures of the connection itself: refused, reset, timed out, server shutting down or full. */
const CONNECTION_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);
const CONNECTION_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
const CONNECTION_MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /connection is not established/i,
];

/**
 * Whether a handler failed because the database could not be reached, rather than because of the
 * event: such a failure says nothing about the event, so it must not use up the attempts that end
 * in the dead-letter table. Narrower than the HTTP mapping to 503 on purpose: a statement timeout
 * or a deadlock may be the event's own doing and keeps counting.
 */
export function isDatabaseOutage(error: unknown): boolean {
  const cause = error instanceof QueryFailedError ? (error.driverError as unknown) : error;
  if (!(cause instanceof Error)) return false;
  const code = (cause as Error & { code?: unknown }).code;
  if (
    typeof code === 'string' &&
    (CONNECTION_NODE_CODES.has(code) || CONNECTION_SQLSTATES.has(code) || code.startsWith('08'))
  )
    return true;
  return CONNECTION_MESSAGES.some((pattern) => pattern.test(cause.message));
}
