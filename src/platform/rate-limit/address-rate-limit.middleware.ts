import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

import type { AllConfig, RateLimitConfig } from '../../config';
import { clientAddressOf } from './client-address';
import { RateLimiter } from './rate-limiter';
import type { RateWindow } from './redis-throttler.storage';

/** The route label of the address limit's metrics: it runs before routing, for every route. */
const ALL_ROUTES = 'all';

/**
 * The per-address limit, as Express middleware ahead of body parsing, routing and authentication:
 * every request counts (a bad token, a CSRF failure, an unknown route, an unreadable or oversized
 * body) and every response carries the X-RateLimit headers. Counting after authentication would
 * let a client hammer it, and the database behind API-key lookup, without ever seeing a 429.
 * The address and burst windows go to the store in one round trip.
 */
@Injectable()
export class AddressRateLimit {
  private readonly config: RateLimitConfig;

  constructor(
    private readonly limiter: RateLimiter,
    config: ConfigService<AllConfig, true>,
  ) {
    this.config = config.getOrThrow('rateLimit', { infer: true });
  }

  /** The middleware, for every path but `exempt` ones (probes and scrapes). */
  middlewareExcept(exempt: ReadonlySet<string>): RequestHandler {
    return (request: Request, response: Response, next: NextFunction) => {
      if (!this.config.enabled || exempt.has(request.path)) {
        next();
        return;
      }
      this.limiter.enforce(response, this.windowsOf(clientAddressOf(request)), ALL_ROUTES).then(() => next(), next);
    };
  }

  private windowsOf(address: string): RateWindow[] {
    const { addressLimit, defaultTtlMs, burstLimit, burstTtlMs } = this.config;
    const windows: RateWindow[] = [
      { name: 'address', key: `address:${address}`, limit: addressLimit, ttlMs: defaultTtlMs, blockMs: defaultTtlMs },
    ];
    if (burstLimit > 0)
      windows.push({
        name: 'burst',
        key: `burst:${address}`,
        limit: burstLimit,
        ttlMs: burstTtlMs,
        blockMs: burstTtlMs,
      });
    return windows;
  }
}
