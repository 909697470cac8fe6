import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerRequest,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import type { Request, Response } from 'express';

import type { AuthenticatedRequest } from '../../common/access/principal';
import { RateLimitExceededException } from '../../common/errors';
import { routeTemplateOf } from '../../common/http/route-template';
import { RateLimitMetrics } from './rate-limit.metrics';

/**
 * @nestjs/throttler's guard with this API's conventions: clients are keyed by user id when
 * authenticated (it runs after the authentication guard) and by IP otherwise (Express `trust
 * proxy` decides which address that is); a limit hit is the RATE_LIMIT_EXCEEDED envelope with
 * Retry-After; every check is counted.
 */
@Injectable()
export class AppThrottlerGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly metrics: RateLimitMetrics,
  ) {
    super(options, storage, reflector);
  }

  protected override getTracker(req: Record<string, unknown>): Promise<string> {
    const request = req as unknown as AuthenticatedRequest;
    return Promise.resolve(request.principal ? `user:${request.principal.userId}` : `ip:${request.ip ?? 'unknown'}`);
  }

  /** Per client across the whole API (not per route) for the shared limits. */
  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `${throttlerName}:${tracker}`;
  }

  protected override async handleRequest(request: ThrottlerRequest): Promise<boolean> {
    const allowed = await super.handleRequest(request);
    this.metrics.checks.inc({ throttler: request.throttler.name ?? 'default', result: 'allowed' });
    return allowed;
  }

  protected override throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const { req, res } = this.getRequestResponse(context) as { req: Request; res: Response };
    const throttler = throttlerNameOf(detail.key);
    this.metrics.checks.inc({ throttler, result: 'limited' });
    this.metrics.exceeded.inc({ throttler, route: routeTemplateOf(req, res) });
    res.setHeader('X-RateLimit-Limit', detail.limit);
    res.setHeader('X-RateLimit-Remaining', 0);
    res.setHeader('X-RateLimit-Reset', detail.timeToBlockExpire);
    throw new RateLimitExceededException(Math.max(1, detail.timeToBlockExpire));
  }
}

function throttlerNameOf(key: string): string {
  return key.slice(0, key.indexOf(':'));
}
