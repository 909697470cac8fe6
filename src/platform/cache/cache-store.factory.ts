import { createKeyv } from '@cacheable/memory';
import { KeyvAdapter } from 'cache-manager';
import Keyv from 'keyv';

import type { CacheConfig, RedisConfig } from '../../config';
import { DeferredRedisStore } from './deferred-redis.store';

/** Entries kept by the in-process cache before the least recently used are dropped. */
const MEMORY_CACHE_MAX_ENTRIES = 10_000;

export interface CacheStore {
  readonly keyv: Keyv;
  readonly backend: CacheConfig['backend'];
  /** Present for the Redis backend: the store behind the adapter. */
  readonly redis?: DeferredRedisStore;
}

/**
 * The one Keyv store behind @nestjs/cache-manager: Redis (shared by every replica) when
 * configured, a bounded in-process LRU otherwise, or nothing at all (`CACHE_BACKEND=none`).
 * Errors are thrown, not swallowed, so the cache service can count them.
 */
export function createCacheStore(cache: CacheConfig, redis: RedisConfig): CacheStore {
  if (cache.backend === 'redis' && redis.url) {
    const store = new DeferredRedisStore(redis);
    const keyv = new Keyv({
      store: new KeyvAdapter(store as never),
      namespace: `${redis.keyPrefix}cache`,
      throwOnErrors: true,
    });
    return { keyv, backend: 'redis', redis: store };
  }
  if (cache.backend === 'none') {
    return { keyv: new Keyv({ store: new NullStore(), throwOnErrors: true }), backend: 'none' };
  }
  const keyv = createKeyv({ lruSize: MEMORY_CACHE_MAX_ENTRIES, checkInterval: 60_000 });
  keyv.throwOnErrors = true;
  return { keyv, backend: 'memory' };
}

/** Stores nothing: every read is a miss. For running without a cache, e.g. to measure its effect. */
class NullStore extends Map<string, unknown> {
  override get(): undefined {
    return undefined;
  }

  override set(): this {
    return this;
  }
}
