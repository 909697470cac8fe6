export * from './cache.module';
export * from './cache.service';
export * from './cache-keys';
