import { Injectable } from '@nestjs/common';
import type { Response } from 'express';

import { RateLimitExceededException } from '../../common/errors';
import { RateLimitMetrics } from './rate-limit.metrics';
import { setRateLimitHeaders } from './rate-limit-headers';
import { type RateWindow, RedisThrottlerStorage } from './redis-throttler.storage';

/**
 * Counts a request against every window that applies to it in one round trip, sets the
 * X-RateLimit headers, counts the checks, and refuses with RATE_LIMIT_EXCEEDED (Retry-After)
 * when any window is exhausted. Used by the address middleware and by the guard.
 */
@Injectable()
export class RateLimiter {
  constructor(
    private readonly storage: RedisThrottlerStorage,
    private readonly metrics: RateLimitMetrics,
  ) {}

  /** @param route the route label of the exceeded-limit metric (the address limit runs before routing). */
  async enforce(response: Response, windows: readonly RateWindow[], route: string): Promise<void> {
    const records = await this.storage.consume(windows);
    let retryAfterSeconds = 0;
    windows.forEach((window, i) => {
      const record = records[i];
      setRateLimitHeaders(response, window.name, window.limit, record);
      this.metrics.checks.inc({ throttler: window.name, result: record.isBlocked ? 'limited' : 'allowed' });
      if (!record.isBlocked) return;
      this.metrics.exceeded.inc({ throttler: window.name, route });
      retryAfterSeconds = Math.max(retryAfterSeconds, record.timeToBlockExpire, 1);
    });
    if (retryAfterSeconds > 0) throw new RateLimitExceededException(retryAfterSeconds);
  }
}
