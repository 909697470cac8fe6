import { Injectable } from '@nestjs/common';

import type { SerializedJson } from '../common/http';
import { cacheKey, CacheService, hashQuery } from '../platform/cache';
import { TransactionRunner } from '../platform/database';

/** Every cached product list carries this tag: any product write makes them all stale. */
export const PRODUCT_LIST_TAG = 'products:list';

function productTag(id: string): string {
  return `product:${id}`;
}

/**
 * Product reads through the cache (docs/decisions/0005, 0009). Entries are tagged; writes
 * invalidate the written product's tag and the list tag once their transaction has committed,
 * so a reader can never re-cache the old row after the invalidation.
 */
@Injectable()
export class ProductCache {
  constructor(
    private readonly cache: CacheService,
    private readonly transactions: TransactionRunner,
  ) {}

  /** The product's JSON as cached, sent as it is; null (not cached) when `load` finds none. */
  detail<T>(id: string, load: () => Promise<T | null>): Promise<SerializedJson<T> | null> {
    return this.cache.getOrSetSerialized(cacheKey('products', 'detail', id), load, { tags: [productTag(id)] });
  }

  /** `query` must be normalized: equal queries must produce equal objects. */
  list<T>(query: object, load: () => Promise<T>): Promise<T> {
    return this.cache.getOrSet(cacheKey('products', 'list', hashQuery(query)), load, { tags: [PRODUCT_LIST_TAG] });
  }

  /** After the current transaction commits (now, outside one): the products' entries and every list go stale. */
  invalidateAfterCommit(productIds: readonly string[]): Promise<void> {
    const tags = [...new Set(productIds)].map(productTag);
    return this.transactions.afterCommit(() => this.cache.invalidateTags(...tags, PRODUCT_LIST_TAG));
  }
}
