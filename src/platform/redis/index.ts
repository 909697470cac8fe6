export * from './redis.constants';
export * from './redis.module';
export * from './redis-circuit';
export * from './redis-client.factory';
