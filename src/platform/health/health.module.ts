import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';

import { HealthController } from './health.controller';
import { ReadinessContributors } from './readiness-contributors';
import { RedisHealth } from './redis.health';
import { ShutdownCoordinator } from './shutdown-coordinator';

/**
 * Liveness and readiness, and the start of a graceful stop: on SIGTERM the ShutdownCoordinator
 * turns readiness to 503 ("shutting_down") for SHUTDOWN_DRAIN_MS before the server closes, so
 * load balancers stop routing here first (src/bootstrap/graceful-shutdown.ts, decision 0022).
 */
@Global()
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' })],
  controllers: [HealthController],
  providers: [ReadinessContributors, RedisHealth, ShutdownCoordinator],
  exports: [ReadinessContributors, ShutdownCoordinator, TerminusModule],
})
export class HealthModule {}
