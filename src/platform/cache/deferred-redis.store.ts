import { Logger } from '@nestjs/common';
import { type RedisStore, redisStore } from 'cache-manager-redis-yet';

import type { RedisConfig } from '../../config';

/** Thrown while Redis has not been reachable yet; the cache service counts it and treats it as a miss. */
class CacheBackendUnavailableError extends Error {
  constructor() {
    super('Redis cache is not connected yet');
  }
}

/**
 * The cache-manager (v5-style) store of cache-manager-redis-yet, made safe to create while Redis
 * is down. `redisStore()` only resolves once it has connected, so awaiting it would block
 * start-up; instead the connection is made in the background and, until it exists, every
 * operation fails fast. Once connected, node-redis reconnects by itself after outages, and with
 * its offline queue disabled a command sent during an outage fails at once instead of hanging.
 * Wrapped in cache-manager's KeyvAdapter (see cache-store.factory.ts).
 */
export class DeferredRedisStore {
  private store?: RedisStore;
  private closed = false;

  constructor(config: RedisConfig) {
    const logger = new Logger('CacheStore');
    // Not awaited on purpose (see above): failures are logged, and operations fail fast meanwhile.
    void redisStore({
      url: config.url,
      disableOfflineQueue: true,
      // Once closed, the next attempt gives up, which also ends a first connect that never succeeded.
      socket: {
        connectTimeout: 2000,
        reconnectStrategy: (attempt: number) =>
          this.closed ? new Error('cache store closed') : Math.min(attempt * 100, 2000),
      },
    }).then(
      (store) => {
        this.store = store;
        store.client.on('error', () => undefined); // reported by the shared ioredis client and the cache metrics
        logger.log('Redis cache store connected');
      },
      (error: unknown) => {
        if (!this.closed) logger.error({ err: error }, 'Redis cache store failed to start');
      },
    );
  }

  get name(): string {
    return 'redis';
  }

  get(key: string): Promise<unknown> {
    return this.connected().get(key);
  }

  set(key: string, value: unknown, ttl?: number): Promise<void> {
    return this.connected().set(key, value, ttl);
  }

  del(key: string): Promise<void> {
    return this.connected().del(key);
  }

  mget(...keys: string[]): Promise<unknown[]> {
    return this.connected().mget(...keys);
  }

  mdel(...keys: string[]): Promise<void> {
    // The upstream mdel ignores its key prefix; this project sets no store prefix, so it is safe.
    return this.connected().mdel(...keys);
  }

  /** Deliberately not the upstream reset(): that is FLUSHDB, which would wipe queues and rate limits too. */
  reset(): Promise<void> {
    return Promise.reject(new Error('Clearing the whole Redis database is not allowed; invalidate by tag or pattern'));
  }

  /** Closes at once (QUIT would wait for a server that may be gone) and stops reconnecting. */
  async disconnect(): Promise<void> {
    this.closed = true;
    if (this.store?.client.isOpen) await this.store.client.disconnect();
  }

  private connected(): RedisStore {
    if (!this.store || !this.store.client.isReady) throw new CacheBackendUnavailableError();
    return this.store;
  }
}
