import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Redis } from 'ioredis';

import { REDIS_CLIENT } from '../redis';
import { ReadinessContributors } from './readiness-contributors';

const PING_TIMEOUT_MS = 500;

/** Redis is optional: when it is down the service degrades (in-process fallbacks), it does not stop. */
@Injectable()
export class RedisHealth implements OnModuleInit {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis | null,
    private readonly indicators: HealthIndicatorService,
    private readonly contributors: ReadinessContributors,
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
      return indicator.up({ configured: true, latencyMs: Math.round(performance.now() - started) });
    } catch (error) {
      return indicator.degraded({ configured: true, reachable: false, reason: (error as Error).message });
    }
  }
}
