import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerModuleOptions,
  type ThrottlerRequest,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import type { Request, Response } from 'express';

import type { AuthenticatedRequest } from '../../common/access/principal';
import { routeTemplateOf } from '../../common/http/route-template';
import { clientAddressOf } from './client-address';
import { RateLimiter } from './rate-limiter';
import type { RateWindow } from './redis-throttler.storage';

/**
 * @nestjs/throttler's guard, run after authentication, for the limits that need to know the route
 * or the caller: per signed-in user (`default`, `burst`) and per address on the credential routes
 * (`auth`). The package resolves which named limits apply to the route and their values; instead
 * of counting each in its own round trip, they are collected and counted in one (RateLimiter).
 * Anonymous traffic has already been counted per address by AddressRateLimit.
 */
@Injectable()
export class AppThrottlerGuard extends ThrottlerGuard {
  private readonly collected = new WeakMap<ExecutionContext, ThrottlerRequest[]>();

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly limiter: RateLimiter,
  ) {
    super(options, storage, reflector);
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const requests: ThrottlerRequest[] = [];
    this.collected.set(context, requests);
    try {
      await super.canActivate(context);
    } finally {
      this.collected.delete(context);
    }
    if (requests.length === 0) return true;
    const { req, res } = this.getRequestResponse(context) as { req: Request; res: Response };
    const windows = await Promise.all(requests.map((request) => this.windowOf(req, request)));
    await this.limiter.enforce(res, windows, routeTemplateOf(req, res));
    return true;
  }

  /** Called by the package once per named limit that applies: collected here, counted together in canActivate. */
  protected override handleRequest(request: ThrottlerRequest): Promise<boolean> {
    this.collected.get(request.context)?.push(request);
    return Promise.resolve(true);
  }

  protected override getTracker(req: Record<string, unknown>): Promise<string> {
    const request = req as unknown as AuthenticatedRequest;
    return Promise.resolve(request.principal ? `user:${request.principal.userId}` : clientAddressOf(request));
  }

  /** Per client across the whole API (not per route) for the shared limits. */
  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `${throttlerName}:${tracker}`;
  }

  private async windowOf(req: Request, request: ThrottlerRequest): Promise<RateWindow> {
    const name = request.throttler.name ?? 'default';
    const tracker = await request.getTracker(req, request.context);
    return {
      name,
      key: request.generateKey(request.context, tracker, name),
      limit: request.limit,
      ttlMs: request.ttl,
      blockMs: request.blockDuration,
    };
  }
}
