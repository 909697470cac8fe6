import { type CacheManagerOptions, CacheModule as NestCacheModule } from '@nestjs/cache-manager';
import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';

import type { AllConfig } from '../../config';
import { CACHE_STORE } from './cache.constants';
import { CacheMetrics } from './cache.metrics';
import { CacheService } from './cache.service';
import type { CacheStore } from './cache-store.factory';
import { CacheStoreModule } from './cache-store.module';

/**
 * @nestjs/cache-manager over one Keyv store (Redis or memory, chosen by configuration).
 * CACHE_STORE exposes which backend is in use and, for Redis, the store itself.
 */
type KeyvInstance = Extract<NonNullable<CacheManagerOptions['stores']>, unknown[]>[number];

@Global()
@Module({
  imports: [
    CacheStoreModule,
    NestCacheModule.registerAsync({
      isGlobal: true,
      imports: [CacheStoreModule],
      inject: [CACHE_STORE, ConfigService],
      useFactory: (store: CacheStore, config: ConfigService<AllConfig, true>): CacheManagerOptions => ({
        // Same Keyv class at runtime; TypeScript sees its CommonJS and ESM declarations as two types.
        stores: [store.keyv as unknown as KeyvInstance],
        ttl: config.getOrThrow('cache', { infer: true }).defaultTtlMs,
      }),
    }),
  ],
  providers: [CacheMetrics, CacheService],
  exports: [CacheStoreModule, CacheService],
})
export class CacheModule {}
