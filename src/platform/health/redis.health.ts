import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Redis } from 'ioredis';

import { REDIS_CLIENT, RedisCircuit } from '../redis';
import { ReadinessContributors } from './readiness-contributors';

/**
 * Redis is optional: when it is down, hanging, or the request-path breaker is open, the service
 * degrades (in-process fallbacks) and readiness says so ("degraded", still 200); it does not stop.
 */
@Injectable()
export class RedisHealth implements OnModuleInit {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis | null,
    private readonly indicators: HealthIndicatorService,
    private readonly contributors: ReadinessContributors,
    private readonly circuit: RedisCircuit,
  ) {}

  onModuleInit(): void {
    this.contributors.register('redis', () => this.check());
  }

  /**
   * The ping goes through the request-path breaker: while it is open readiness reports it without
   * waiting, and once it may try again the probe is the trial call, so the breaker closes after a
   * recovery even when no traffic arrives.
   */
  async check() {
    const indicator = this.indicators.check('redis');
    const redis = this.redis;
    if (!redis) return indicator.up({ configured: false });
    const started = performance.now();
    try {
      await this.circuit.run(() => redis.ping());
      return indicator.up({
        configured: true,
        latencyMs: Math.round(performance.now() - started),
        circuit: this.circuit.state,
      });
    } catch (error) {
      return indicator.degraded({ configured: true, circuit: this.circuit.state, reason: (error as Error).message });
    }
  }
}
