import type Keyv from 'keyv';

import type { CacheStore } from './cache-store.factory';

const SCAN_BATCH = 500;

/**
 * Deletes every key matching a glob (`products:list:*`). Redis: SCAN + DEL in batches (never
 * KEYS, which blocks the server); memory: a walk over the LRU's keys. Returns how many went.
 */
export async function deleteMatching(store: CacheStore, pattern: string): Promise<number> {
  if (store.backend === 'redis') return deleteMatchingInRedis(store, pattern);
  if (store.backend === 'memory') return deleteMatchingInMemory(store.keyv, pattern);
  return 0;
}

async function deleteMatchingInRedis(store: CacheStore, pattern: string): Promise<number> {
  const client = store.redis?.client;
  if (!client?.isReady) throw new Error('Redis cache is not connected');
  let deleted = 0;
  let batch: string[] = [];
  for await (const keys of client.scanIterator({ MATCH: `${store.keyv.namespace}:${pattern}`, COUNT: SCAN_BATCH })) {
    batch.push(...(Array.isArray(keys) ? keys : [keys]));
    if (batch.length >= SCAN_BATCH) {
      deleted += await client.del(batch);
      batch = [];
    }
  }
  if (batch.length > 0) deleted += await client.del(batch);
  return deleted;
}

function deleteMatchingInMemory(keyv: Keyv, pattern: string): number {
  const memory = (
    keyv.store as { getStore(namespace?: string): { keys: Iterable<string>; delete(key: string): unknown } }
  ).getStore(keyv.namespace);
  const matcher = globToRegExp(pattern);
  const matching = [...memory.keys].filter((key) => matcher.test(key));
  matching.forEach((key) => memory.delete(key));
  return matching.length;
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}
