import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Redis } from 'ioredis';

import type { AllConfig } from '../../config';
import { REDIS_CLIENT } from './redis.constants';
import { RedisCircuit } from './redis-circuit';
import { createRedisClient } from './redis-client.factory';

@Injectable()
class RedisShutdown implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly client: Redis | null) {}

  async onApplicationShutdown(): Promise<void> {
    if (!this.client) return;
    await this.client.quit().catch(() => this.client?.disconnect());
  }
}

/**
 * The optional shared Redis connection. Consumers inject REDIS_CLIENT and must handle `null`
 * (no Redis configured) and rejected commands (Redis down) by degrading, never by failing.
 * Calls a request waits for go through RedisCircuit (deadline and breaker).
 */
@Global()
@Module({
  providers: [
    {
      provide: REDIS_CLIENT,
      inject: [ConfigService],
      useFactory: (config: ConfigService<AllConfig, true>): Redis | null => {
        const redis = config.getOrThrow('redis', { infer: true });
        return redis.url ? createRedisClient(redis, 'shared') : null;
      },
    },
    RedisShutdown,
    RedisCircuit,
  ],
  exports: [REDIS_CLIENT, RedisCircuit],
})
export class RedisModule {}
