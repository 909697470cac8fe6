/** The CacheBackend the cache service stores its entries in (chosen by configuration). */
export const CACHE_BACKEND = Symbol('CACHE_BACKEND');
