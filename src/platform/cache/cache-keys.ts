import { createHash } from 'node:crypto';

import { stableStringify } from '../../common/util/stable-stringify';

/**
 * Structured cache keys, `<prefix>:<kind>:<id>`: `cacheKey('products', 'detail', id)`.
 * The first segment is the key's prefix in metrics.
 */
export function cacheKey(...parts: Array<string | number>): string {
  return parts.join(':');
}

/**
 * A short, stable hash of a query: the same filters in any property order give the same key,
 * e.g. `cacheKey('products', 'list', hashQuery(query))`. Undefined values are left out.
 */
export function hashQuery(query: object): string {
  return createHash('sha256').update(stableStringify(query)).digest('base64url').slice(0, 22);
}

/** The key's first segment: the label its metrics are counted under. */
export function prefixOf(key: string): string {
  const end = key.indexOf(':');
  return end === -1 ? key : key.slice(0, end);
}
