import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';

import type { AllConfig } from '../../config';
import { HealthController } from './health.controller';
import { ReadinessContributors } from './readiness-contributors';
import { RedisHealth } from './redis.health';

/**
 * Liveness and readiness. On SIGTERM terminus flips readiness to 503 ("shutting_down") and
 * waits SHUTDOWN_DRAIN_MS so load balancers stop routing here before connections close.
 */
@Global()
@Module({
  imports: [
    TerminusModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<AllConfig, true>) => ({
        errorLogStyle: 'json',
        gracefulShutdownTimeoutMs: config.getOrThrow('app', { infer: true }).shutdownDrainMs,
      }),
    }),
  ],
  controllers: [HealthController],
  providers: [ReadinessContributors, RedisHealth],
  exports: [ReadinessContributors, TerminusModule],
})
export class HealthModule {}
