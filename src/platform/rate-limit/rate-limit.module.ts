import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import { ThrottlerModule, type ThrottlerOptions } from '@nestjs/throttler';

import type { AllConfig, RateLimitConfig } from '../../config';
import { AppThrottlerGuard } from './app-throttler.guard';
import { AUTH_RATE_LIMIT } from './rate-limit.constants';
import { RateLimitMetrics } from './rate-limit.metrics';
import { RedisThrottlerStorage } from './redis-throttler.storage';

@Module({
  providers: [RateLimitMetrics, RedisThrottlerStorage],
  exports: [RateLimitMetrics, RedisThrottlerStorage],
})
class RateLimitStorageModule {}

/**
 * Rate limits (@nestjs/throttler): a default limit per client, a burst cap, a stricter limit
 * for credential endpoints (@AuthRateLimit()), per-route overrides with @Throttle and exemptions
 * with @NoRateLimit(). Counters live in Redis when configured (see RedisThrottlerStorage).
 * The guard itself is registered globally by AppModule, after authentication.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      imports: [RateLimitStorageModule],
      inject: [ConfigService, RedisThrottlerStorage, Reflector],
      useFactory: (config: ConfigService<AllConfig, true>, storage: RedisThrottlerStorage, reflector: Reflector) => ({
        storage,
        throttlers: throttlersFor(config.getOrThrow('rateLimit', { infer: true }), reflector),
      }),
    }),
    RateLimitStorageModule,
  ],
  providers: [AppThrottlerGuard],
  exports: [AppThrottlerGuard, ThrottlerModule, RateLimitStorageModule],
})
export class RateLimitModule {}

/** @nestjs/throttler's metadata key for a route's tracker of one named throttler (not exported by the package). */
const routeTrackerKey = (name: string) => `THROTTLER:TRACKER${name}`;

function throttlersFor(config: RateLimitConfig, reflector: Reflector): ThrottlerOptions[] {
  if (!config.enabled) return [];
  const onlyWhereDeclared =
    (metadataKey: string): ThrottlerOptions['skipIf'] =>
    (ctx) =>
      reflector.getAllAndOverride<unknown>(metadataKey, [ctx.getHandler(), ctx.getClass()]) === undefined;
  const throttlers: ThrottlerOptions[] = [
    { name: 'default', limit: config.defaultLimit, ttl: config.defaultTtlMs },
    { name: 'auth', limit: config.authLimit, ttl: config.authTtlMs, skipIf: onlyWhereDeclared(AUTH_RATE_LIMIT) },
    // Only where a route says whose account a request is for, with @AccountRateLimit(getTracker).
    {
      name: 'account',
      limit: config.accountLimit,
      ttl: config.accountTtlMs,
      skipIf: onlyWhereDeclared(routeTrackerKey('account')),
    },
  ];
  if (config.burstLimit > 0) throttlers.push({ name: 'burst', limit: config.burstLimit, ttl: config.burstTtlMs });
  return throttlers;
}
