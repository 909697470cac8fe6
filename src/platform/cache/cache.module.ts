import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Redis } from 'ioredis';

import type { AllConfig } from '../../config';
import { REDIS_CLIENT } from '../redis/redis.constants';
import { CACHE_BACKEND } from './cache.constants';
import { CacheMetrics } from './cache.metrics';
import { CacheService } from './cache.service';
import { type CacheBackend, MemoryCacheBackend, NoCacheBackend, RedisCacheBackend } from './cache-backend';

/**
 * The application cache (CacheService) over the backend configuration chooses: Redis through the
 * app's shared connection (entries shared by every replica), a bounded in-process LRU, or none.
 * Why not cache-manager: docs/decisions/0035.
 */
@Global()
@Module({
  providers: [
    {
      provide: CACHE_BACKEND,
      inject: [ConfigService, REDIS_CLIENT],
      useFactory: (config: ConfigService<AllConfig, true>, redis: Redis | null): CacheBackend => {
        const { backend } = config.getOrThrow('cache', { infer: true });
        if (backend === 'none') return new NoCacheBackend();
        if (backend === 'redis' && redis) {
          return new RedisCacheBackend(redis, `${config.getOrThrow('redis', { infer: true }).keyPrefix}cache:`);
        }
        return new MemoryCacheBackend();
      },
    },
    CacheMetrics,
    CacheService,
  ],
  exports: [CacheService],
})
export class CacheModule {}
