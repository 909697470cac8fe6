import type { Response } from 'express';

import type { ThrottlerStorageRecord } from './redis-throttler.storage';

/**
 * The caller's main limit has unsuffixed headers: the address limit, replaced by the per-user
 * `default` limit once the caller is signed in. Every other limit adds its name (`-burst`, `-auth`).
 */
const UNSUFFIXED = new Set(['default', 'address']);

export function setRateLimitHeaders(
  response: Response,
  name: string,
  limit: number,
  record: ThrottlerStorageRecord,
): void {
  const suffix = UNSUFFIXED.has(name) ? '' : `-${name}`;
  response.setHeader(`X-RateLimit-Limit${suffix}`, limit);
  response.setHeader(`X-RateLimit-Remaining${suffix}`, record.isBlocked ? 0 : Math.max(0, limit - record.totalHits));
  response.setHeader(`X-RateLimit-Reset${suffix}`, record.isBlocked ? record.timeToBlockExpire : record.timeToExpire);
}
