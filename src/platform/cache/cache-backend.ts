import { CacheableMemory } from '@cacheable/memory';
import type { Redis } from 'ioredis';

import type { CacheConfig } from '../../config';

/** Entries kept by the in-process cache before the least recently used are dropped. */
const MEMORY_CACHE_MAX_ENTRIES = 10_000;
const MEMORY_EXPIRY_SWEEP_MS = 60_000;

/**
 * Where cache entries live. Values are strings, stored and returned as they are: the cache
 * service decides their format, so a cached HTTP body can go from Redis to the socket without
 * being parsed and serialised again (docs/decisions/0035).
 */
export interface CacheBackend {
  readonly name: CacheConfig['backend'];
  /** The values of `keys`, undefined where absent; one round trip. Rejects when the store fails. */
  getMany(keys: readonly string[]): Promise<Array<string | undefined>>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
}

/**
 * Redis, shared by every replica, through the app's one ioredis connection (auto-pipelined, no
 * offline queue: a command during an outage fails at once and the service reads around the cache).
 */
export class RedisCacheBackend implements CacheBackend {
  readonly name = 'redis';

  constructor(
    private readonly client: Redis,
    /** Every key of the cache starts with this (the deployment's prefix, then `cache:`). */
    private readonly prefix: string,
  ) {}

  async getMany(keys: readonly string[]): Promise<Array<string | undefined>> {
    const values = await this.client.mget(keys.map((key) => this.prefix + key));
    return values.map((value) => value ?? undefined);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.client.set(this.prefix + key, value, 'PX', Math.max(1, Math.round(ttlMs)));
  }
}

/** A bounded in-process LRU with expiry: one replica's own cache, when no Redis is configured. */
export class MemoryCacheBackend implements CacheBackend {
  readonly name = 'memory';
  // Strings are immutable, so nothing needs cloning on the way out. The expiry sweep's timer is unref'd.
  private readonly entries = new CacheableMemory({
    lruSize: MEMORY_CACHE_MAX_ENTRIES,
    checkInterval: MEMORY_EXPIRY_SWEEP_MS,
    useClone: false,
  });

  getMany(keys: readonly string[]): Promise<Array<string | undefined>> {
    return Promise.resolve(keys.map((key) => this.entries.get<string>(key)));
  }

  set(key: string, value: string, ttlMs: number): Promise<void> {
    this.entries.set(key, value, ttlMs);
    return Promise.resolve();
  }
}

/** Stores nothing: every read is a miss (`CACHE_BACKEND=none`, e.g. to measure without the cache). */
export class NoCacheBackend implements CacheBackend {
  readonly name = 'none';

  getMany(keys: readonly string[]): Promise<Array<string | undefined>> {
    return Promise.resolve(keys.map(() => undefined));
  }

  set(): Promise<void> {
    return Promise.resolve();
  }
}
