export * from './cache.constants';
export * from './cache.module';
export * from './cache.service';
export * from './cache-keys';
export * from './cache-store.factory';
export * from './deferred-redis.store';
