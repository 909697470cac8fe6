import type { CorsOptions, CorsOptionsDelegate } from '@nestjs/common/interfaces/external/cors-options.interface';
import type { Request } from 'express';

import { originPatternToRegExp, type SecurityConfig } from '../../config';

const ALLOWED_HEADERS = [
  'Authorization',
  'Content-Type',
  'X-API-Key',
  'X-CSRF-Token',
  'X-Request-ID',
  'Idempotency-Key',
  'If-None-Match',
];
const EXPOSED_HEADERS = [
  'X-Request-ID',
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
  'Retry-After',
  'ETag',
];
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * CORS per request: an exact configured origin may send credentials (cookies); an origin that
 * only matches a pattern gets CORS without credentials (a wildcard must never be trusted with a
 * session); any other origin gets no CORS headers at all, so the browser blocks the response.
 */
export function corsOptionsDelegate(config: SecurityConfig['cors']): CorsOptionsDelegate<Request> {
  const exact = new Set(config.origins);
  const patterns = config.patterns.map(originPatternToRegExp);
  return (request: Request, callback: (error: Error | null, options: CorsOptions) => void) => {
    const origin = request.headers.origin;
    const credentials = origin !== undefined && exact.has(origin);
    const allowed = credentials || (origin !== undefined && patterns.some((pattern) => pattern.test(origin)));
    callback(null, {
      origin: allowed,
      credentials,
      allowedHeaders: ALLOWED_HEADERS,
      exposedHeaders: EXPOSED_HEADERS,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      maxAge: PREFLIGHT_MAX_AGE_SECONDS,
    });
  };
}
