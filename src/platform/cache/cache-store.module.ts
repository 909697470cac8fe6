import { Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';

import type { AllConfig } from '../../config';
import { CACHE_STORE } from './cache.constants';
import { type CacheStore, createCacheStore } from './cache-store.factory';

@Injectable()
class CacheStoreShutdown implements OnApplicationShutdown {
  constructor(@Inject(CACHE_STORE) private readonly store: CacheStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.redis?.disconnect();
  }
}

/** Owns the single cache store instance, shared by CACHE_MANAGER and the cache service. */
@Module({
  providers: [
    {
      provide: CACHE_STORE,
      inject: [ConfigService],
      useFactory: (config: ConfigService<AllConfig, true>): CacheStore =>
        createCacheStore(config.getOrThrow('cache', { infer: true }), config.getOrThrow('redis', { infer: true })),
    },
    CacheStoreShutdown,
  ],
  exports: [CACHE_STORE],
})
export class CacheStoreModule {}
