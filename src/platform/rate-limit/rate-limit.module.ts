import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import { ThrottlerModule, type ThrottlerOptions } from '@nestjs/throttler';
import type { Request } from 'express';

import type { Principal } from '../../common/access/principal';
import type { AllConfig, RateLimitConfig } from '../../config';
import { AddressRateLimit } from './address-rate-limit.middleware';
import { AppThrottlerGuard } from './app-throttler.guard';
import { clientAddressOf } from './client-address';
import { CredentialAttempts } from './credential-attempts';
import { AUTH_RATE_LIMIT } from './rate-limit.constants';
import { RateLimitMetrics } from './rate-limit.metrics';
import { RateLimiter } from './rate-limiter';
import { RedisThrottlerStorage } from './redis-throttler.storage';

@Module({
  providers: [RateLimitMetrics, RedisThrottlerStorage, RateLimiter],
  exports: [RateLimitMetrics, RedisThrottlerStorage, RateLimiter],
})
class RateLimitStorageModule {}

/**
 * Rate limits: per address before anything else (AddressRateLimit, mounted by configureApp), then
 * (@nestjs/throttler, the guard AppModule registers after authentication) per signed-in user and a
 * stricter per-address limit on the credential routes (@AuthRateLimit()), per-route overrides with
 * @Throttle and exemptions with @NoRateLimit(); failed logins per account (CredentialAttempts).
 * Counters live in Redis when configured (see RedisThrottlerStorage). docs/decisions/0006, 0028.
 * Global, like the other platform modules, so slices can inject CredentialAttempts.
 */
@Global()
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
  providers: [AppThrottlerGuard, AddressRateLimit, CredentialAttempts],
  exports: [AppThrottlerGuard, AddressRateLimit, CredentialAttempts, ThrottlerModule, RateLimitStorageModule],
})
export class RateLimitModule {}

function throttlersFor(config: RateLimitConfig, reflector: Reflector): ThrottlerOptions[] {
  if (!config.enabled) return [];
  const signedIn: ThrottlerOptions['skipIf'] = (ctx) =>
    ctx.switchToHttp().getRequest<Request & { principal?: Principal }>().principal === undefined;
  const throttlers: ThrottlerOptions[] = [
    // Anonymous requests were counted per address (AddressRateLimit) before authentication.
    { name: 'default', limit: config.defaultLimit, ttl: config.defaultTtlMs, skipIf: signedIn },
    // Always the address, whatever credentials a request carries: presenting some (even valid
    // ones of another account) must not move a credential attempt into a bucket of its own.
    {
      name: 'auth',
      limit: config.authLimit,
      ttl: config.authTtlMs,
      getTracker: (req) => clientAddressOf(req as unknown as Request),
      skipIf: (ctx) =>
        reflector.getAllAndOverride<unknown>(AUTH_RATE_LIMIT, [ctx.getHandler(), ctx.getClass()]) === undefined,
    },
  ];
  if (config.burstLimit > 0)
    throttlers.push({ name: 'burst', limit: config.burstLimit, ttl: config.burstTtlMs, skipIf: signedIn });
  return throttlers;
}
