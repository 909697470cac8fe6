/** The CacheStore (backend name, Keyv instance, Redis store) behind CACHE_MANAGER. */
export const CACHE_STORE = Symbol('CACHE_STORE');
