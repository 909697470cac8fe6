import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { type ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import type { Redis } from 'ioredis';

import { DependencyUnavailableException } from '../../common/errors';
import type { AllConfig } from '../../config';
import { createRedisClient } from '../redis/redis-client.factory';
import { RateLimitMetrics } from './rate-limit.metrics';

/** What @nestjs/throttler expects back from a storage. */
export interface ThrottlerStorageRecord {
  totalHits: number;
  timeToExpire: number;
  isBlocked: boolean;
  timeToBlockExpire: number;
}

/**
 * Fixed window with block, in one atomic script: a request is counted and judged in the same
 * step, so N concurrent requests against a limit of N let exactly N through on any number of
 * replicas. (Storages that read, then write in a second round trip let a flood through.)
 * KEYS: hits, block. ARGV: window ms, limit, block ms. Returns hits, window ms left, blocked, block ms left.
 */
const INCREMENT_SCRIPT = `
local blockLeft = redis.call('PTTL', KEYS[2])
if blockLeft > 0 then
  return { tonumber(redis.call('GET', KEYS[1]) or ARGV[2]), math.max(redis.call('PTTL', KEYS[1]), 0), 1, blockLeft }
end
local hits = redis.call('INCR', KEYS[1])
local windowLeft = redis.call('PTTL', KEYS[1])
if windowLeft < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  windowLeft = tonumber(ARGV[1])
end
if hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  return { hits, windowLeft, 1, tonumber(ARGV[3]) }
end
return { hits, windowLeft, 0, 0 }
`;

type RedisWithThrottle = Redis & {
  throttleIncrement(
    hitsKey: string,
    blockKey: string,
    windowMs: number,
    limit: number,
    blockMs: number,
  ): Promise<number[]>;
};

const LOG_INTERVAL_MS = 10_000;
/** Only a Redis that is connected but stuck takes this long; it then counts as down. */
const SLOW_ANSWER_TIMEOUT_MS = 5_000;

/**
 * Rate-limit counters in Redis (shared by every replica) when configured, in process otherwise.
 * When Redis fails, counting falls back to this process (fail open, logged and counted) or the
 * request is refused with 503 (RATE_LIMIT_FAIL_CLOSED=true).
 *
 * Written here rather than taken from @nest-lab/throttler-storage-redis: that package does not
 * resolve against Nest 12 (its peer range stops at 11), and the storage is one short script.
 */
@Injectable()
export class RedisThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly logger = new Logger(RedisThrottlerStorage.name);
  private readonly local = new ThrottlerStorageService();
  private readonly keyPrefix: string;
  private readonly failClosed: boolean;
  private readonly redis: RedisWithThrottle | null;
  private lastErrorLogAt = 0;
  private closing?: Promise<void>;

  constructor(
    private readonly metrics: RateLimitMetrics,
    config: ConfigService<AllConfig, true>,
  ) {
    const redis = config.getOrThrow('redis', { infer: true });
    this.keyPrefix = `${redis.keyPrefix}rl:`;
    this.failClosed = config.getOrThrow('rateLimit', { infer: true }).failClosed;
    // A connection of its own, without the short command timeout of the shared one: under a flood
    // a slow answer is still an answer, and counting it locally as if Redis were down would let
    // requests through that Redis is also counting. An outage still fails at once (no offline queue).
    this.redis = redis.url
      ? (createRedisClient(redis, 'rate-limit', SLOW_ANSWER_TIMEOUT_MS) as RedisWithThrottle)
      : null;
    this.redis?.defineCommand('throttleIncrement', { numberOfKeys: 2, lua: INCREMENT_SCRIPT });
  }

  /**
   * After the HTTP server has closed, not in onModuleDestroy: that runs before requests in flight
   * have finished, which would count their last requests per instance (or refuse them when failing closed).
   */
  onApplicationShutdown(): Promise<void> {
    // Registered under two tokens (the class and the throttler's storage), so Nest calls this
    // twice: the second call joins the first instead of quitting a closed connection, which
    // fails and falls back to a disconnect that holds the process for two seconds.
    this.closing ??= this.close();
    return this.closing;
  }

  private async close(): Promise<void> {
    this.local.onApplicationShutdown();
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    if (!this.redis)
      return this.timed('memory', () => this.local.increment(key, ttl, limit, blockDuration, throttlerName));
    try {
      return await this.timed('redis', () => this.incrementInRedis(key, ttl, limit, blockDuration));
    } catch (error) {
      return this.whenRedisFails(error, () => this.local.increment(key, ttl, limit, blockDuration, throttlerName));
    }
  }

  private async incrementInRedis(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
  ): Promise<ThrottlerStorageRecord> {
    const redis = this.redis as RedisWithThrottle;
    const hitsKey = `${this.keyPrefix}${key}`;
    const [hits, windowLeft, blocked, blockLeft] = await redis.throttleIncrement(
      hitsKey,
      `${hitsKey}:block`,
      ttl,
      limit,
      blockDuration,
    );
    return {
      totalHits: hits,
      timeToExpire: Math.ceil(windowLeft / 1000),
      isBlocked: blocked === 1,
      timeToBlockExpire: Math.ceil(blockLeft / 1000),
    };
  }

  private whenRedisFails(
    error: unknown,
    countLocally: () => Promise<ThrottlerStorageRecord>,
  ): Promise<ThrottlerStorageRecord> {
    this.metrics.storageErrors.inc({ mode: this.failClosed ? 'fail_closed' : 'fail_open' });
    if (Date.now() - this.lastErrorLogAt > LOG_INTERVAL_MS) {
      this.lastErrorLogAt = Date.now();
      this.logger.warn(
        { err: (error as Error).message, failClosed: this.failClosed },
        this.failClosed
          ? 'Rate-limit store unavailable; refusing requests'
          : 'Rate-limit store unavailable; limiting per instance',
      );
    }
    if (this.failClosed)
      throw new DependencyUnavailableException('rate-limiter', { cause: error, retryAfterSeconds: 1 });
    return countLocally();
  }

  private async timed<T>(backend: string, run: () => Promise<T>): Promise<T> {
    const stop = this.metrics.checkDuration.startTimer({ backend });
    try {
      return await run();
    } finally {
      stop();
    }
  }
}
