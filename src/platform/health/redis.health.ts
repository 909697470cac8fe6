import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Redis } from 'ioredis';

import { REDIS_CLIENT, RedisCircuit } from '../redis';
import { ReadinessContributors } from './readiness-contributors';

const PING_TIMEOUT_MS = 500;

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

  async check() {
    const indicator = this.indicators.check('redis');
    if (!this.redis) return indicator.up({ configured: false });
    const started = performance.now();
    try {
      await Promise.race([
        this.redis.ping(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('ping timed out')), PING_TIMEOUT_MS).unref()),
      ]);
      const latencyMs = Math.round(performance.now() - started);
      const circuit = this.circuit.state;
      return circuit === 'closed'
        ? indicator.up({ configured: true, latencyMs, circuit })
        : indicator.degraded({ configured: true, reachable: true, latencyMs, circuit, reason: 'request-path breaker open' });
    } catch (error) {
      return indicator.degraded({
        configured: true,
        reachable: false,
        circuit: this.circuit.state,
        reason: (error as Error).message,
      });
    }
  }
}
