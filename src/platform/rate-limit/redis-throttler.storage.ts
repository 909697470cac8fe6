import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { type ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import type { Redis } from 'ioredis';

import { DependencyUnavailableException } from '../../common/errors';
import type { AllConfig } from '../../config';
import { LogThrottle } from '../logging/log-throttle';
import { RedisCircuit } from '../redis/redis-circuit';
import { createRedisClient } from '../redis/redis-client.factory';
import { RateLimitMetrics } from './rate-limit.metrics';

/** What @nestjs/throttler expects back from a storage. */
export interface ThrottlerStorageRecord {
  totalHits: number;
  timeToExpire: number;
  isBlocked: boolean;
  timeToBlockExpire: number;
}

/** One limit a request is counted against: a fixed window of `ttlMs` allowing `limit` hits, then a block of `blockMs`. */
export interface RateWindow {
  readonly key: string;
  readonly ttlMs: number;
  readonly limit: number;
  readonly blockMs: number;
  /** The named limit (`default`, `burst`, `address`, `auth`...), for the in-process fallback and metrics. */
  readonly name: string;
}

/**
 * Every window a request is counted against, in one atomic script and one round trip: each
 * window is a fixed window with block, counted and judged in the same step, so N concurrent
 * requests against a limit of N let exactly N through on any number of replicas. (Storages that
 * read, then write in a second round trip let a flood through.)
 * KEYS: per window, hits then block. ARGV: per window, window ms, limit, block ms.
 * Returns per window: hits, window ms left, blocked (0/1), block ms left.
 */
const CONSUME_SCRIPT = `
local out = {}
for i = 1, #KEYS / 2 do
  local hitsKey, blockKey = KEYS[2 * i - 1], KEYS[2 * i]
  local windowMs, limit, blockMs = tonumber(ARGV[3 * i - 2]), tonumber(ARGV[3 * i - 1]), tonumber(ARGV[3 * i])
  local blockLeft = redis.call('PTTL', blockKey)
  if blockLeft > 0 then
    local hits = tonumber(redis.call('GET', hitsKey) or limit)
    table.insert(out, hits); table.insert(out, math.max(redis.call('PTTL', hitsKey), 0)); table.insert(out, 1); table.insert(out, blockLeft)
  else
    local hits = redis.call('INCR', hitsKey)
    local windowLeft = redis.call('PTTL', hitsKey)
    if windowLeft < 0 then
      redis.call('PEXPIRE', hitsKey, windowMs)
      windowLeft = windowMs
    end
    local blocked = 0
    if hits > limit then
      redis.call('SET', blockKey, '1', 'PX', blockMs)
      blocked = 1
      blockLeft = blockMs
    else
      blockLeft = 0
    end
    table.insert(out, hits); table.insert(out, windowLeft); table.insert(out, blocked); table.insert(out, blockLeft)
  end
end
return out
`;

type RedisWithConsume = Redis & {
  /** numberOfKeys first (the script takes any number of windows), then the keys, then the arguments. */
  rateLimitConsume(numberOfKeys: number, ...keysThenArgs: Array<string | number>): Promise<number[]>;
};

/**
 * Rate-limit counters in Redis (shared by every replica) when configured, in process otherwise.
 * When Redis fails, is late (RedisCircuit's deadline) or its breaker is open, counting falls back
 * to this process (fail open, logged and counted) or the request is refused with 503
 * (RATE_LIMIT_FAIL_CLOSED=true).
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
  private readonly redis: RedisWithConsume | null;
  private readonly outageLog = new LogThrottle();
  private closing?: Promise<void>;

  constructor(
    private readonly metrics: RateLimitMetrics,
    private readonly circuit: RedisCircuit,
    config: ConfigService<AllConfig, true>,
  ) {
    const redis = config.getOrThrow('redis', { infer: true });
    this.keyPrefix = `${redis.keyPrefix}rl:`;
    this.failClosed = config.getOrThrow('rateLimit', { infer: true }).failClosed;
    // A connection of its own, so a flood of checks does not queue behind cache and revocation calls.
    this.redis = redis.url ? (createRedisClient(redis, 'rate-limit') as RedisWithConsume) : null;
    this.redis?.defineCommand('rateLimitConsume', { lua: CONSUME_SCRIPT });
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

  /** @nestjs/throttler's storage contract: one window. The guards count all of a request's windows at once with consume(). */
  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const [record] = await this.consume([{ key, ttlMs: ttl, limit, blockMs: blockDuration, name: throttlerName }]);
    return record;
  }

  /** Counts one request against every window, in one round trip; the records are in the windows' order. */
  async consume(windows: readonly RateWindow[]): Promise<ThrottlerStorageRecord[]> {
    if (windows.length === 0) return [];
    const redis = this.redis;
    if (!redis) return this.timed('memory', () => this.consumeLocally(windows));
    try {
      return await this.timed('redis', () => this.circuit.run(() => this.consumeInRedis(redis, windows)));
    } catch (error) {
      return this.whenRedisFails(error, () => this.consumeLocally(windows));
    }
  }

  private consumeLocally(windows: readonly RateWindow[]): Promise<ThrottlerStorageRecord[]> {
    return Promise.all(
      windows.map((window) =>
        this.local.increment(window.key, window.ttlMs, window.limit, window.blockMs, window.name),
      ),
    );
  }

  private async consumeInRedis(
    redis: RedisWithConsume,
    windows: readonly RateWindow[],
  ): Promise<ThrottlerStorageRecord[]> {
    const keys = windows.flatMap((window) => {
      const hitsKey = `${this.keyPrefix}${window.key}`;
      return [hitsKey, `${hitsKey}:block`];
    });
    const args = windows.flatMap((window) => [window.ttlMs, window.limit, window.blockMs]);
    const flat = await redis.rateLimitConsume(keys.length, ...keys, ...args);
    return windows.map((_, i) => {
      const [hits, windowLeft, blocked, blockLeft] = flat.slice(i * 4, i * 4 + 4);
      return {
        totalHits: hits,
        timeToExpire: Math.ceil(windowLeft / 1000),
        isBlocked: blocked === 1,
        timeToBlockExpire: Math.ceil(blockLeft / 1000),
      };
    });
  }

  private whenRedisFails<T>(error: unknown, countLocally: () => Promise<T>): Promise<T> {
    this.metrics.storageErrors.inc({ mode: this.failClosed ? 'fail_closed' : 'fail_open' });
    if (this.outageLog.due()) {
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
