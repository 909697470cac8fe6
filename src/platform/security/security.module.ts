import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Redis } from 'ioredis';

import type { AllConfig } from '../../config';
import { REDIS_CLIENT } from '../redis/redis.constants';
import { RedisCircuit } from '../redis/redis-circuit';
import { CsrfTokenService } from './csrf-token.service';
import { FieldEncryptionService } from './field-encryption.service';
import { MemoryRevocationStore } from './memory-revocation.store';
import { PasswordHasher } from './password-hasher.service';
import { RedisRevocationStore } from './redis-revocation.store';
import { RevocationMetrics } from './revocation.metrics';
import { REVOCATION_STORE, type RevocationStore } from './revocation-store';
import { SecurityMetrics } from './security.metrics';

@Injectable()
class RevocationStoreShutdown implements OnApplicationShutdown {
  constructor(@Inject(REVOCATION_STORE) private readonly store: RevocationStore) {}

  onApplicationShutdown(): void {
    if (this.store instanceof RedisRevocationStore) this.store.stop();
  }
}

/**
 * Security primitives: password hashing, field encryption, CSRF tokens and the revocation store
 * (Redis when configured, shared by replicas; in-process otherwise).
 */
@Global()
@Module({
  providers: [
    PasswordHasher,
    FieldEncryptionService,
    CsrfTokenService,
    RevocationMetrics,
    SecurityMetrics,
    {
      provide: REVOCATION_STORE,
      inject: [REDIS_CLIENT, ConfigService, RevocationMetrics, RedisCircuit],
      useFactory: (
        redis: Redis | null,
        config: ConfigService<AllConfig, true>,
        metrics: RevocationMetrics,
        circuit: RedisCircuit,
      ): RevocationStore =>
        redis
          ? new RedisRevocationStore(redis, config.getOrThrow('redis', { infer: true }).keyPrefix, metrics, circuit)
          : new MemoryRevocationStore(),
    },
    RevocationStoreShutdown,
  ],
  exports: [PasswordHasher, FieldEncryptionService, CsrfTokenService, REVOCATION_STORE],
})
export class SecurityModule {}
