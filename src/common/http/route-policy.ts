import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

import { ACCESS_RULE_KEY, type AccessRule } from '../access/access-rule';
import { IS_PUBLIC_KEY } from '../decorators/public.decorator';
import { RAW_RESPONSE_KEY } from '../decorators/raw-response.decorator';
import { REQUEST_TIMEOUT_KEY } from '../decorators/request-timeout.decorator';
import { type DeclaredQuery, declaredQueryOf } from '../validation/declared-query';
import { CONDITIONAL_GET_KEY, type ConditionalGetOptions } from './conditional-get.decorator';

/** What a route's decorators ask of the request path, method metadata over class metadata. */
export interface RoutePolicy {
  readonly isPublic: boolean;
  readonly accessRule?: AccessRule;
  /** The result is sent as it is, without the envelope. */
  readonly raw: boolean;
  /** The route's own time budget (ms, 0 = none); the configured default when undefined. */
  readonly timeoutMs?: number;
  readonly conditionalGet?: ConditionalGetOptions;
  /** The query parameters the handler declares (its DTO, or single names). */
  readonly query: DeclaredQuery;
}

type Handler = ExecutionContext['getHandler'] extends () => infer H ? H : never;
type ControllerClass = ExecutionContext['getClass'] extends () => infer C ? C : never;

/**
 * Every route's policy, read from its decorators once, on the route's first request, and kept for
 * the process's lifetime (handlers and their metadata never change after start-up). The guards
 * and the response interceptor read one object per request instead of a dozen reflect-metadata
 * lookups (docs/decisions/0032).
 */
@Injectable()
export class RoutePolicies {
  private readonly byClass = new WeakMap<ControllerClass, Map<Handler, RoutePolicy>>();

  constructor(private readonly reflector: Reflector) {}

  of(ctx: ExecutionContext): RoutePolicy {
    const controller = ctx.getClass();
    const handler = ctx.getHandler();
    let handlers = this.byClass.get(controller);
    if (!handlers) {
      handlers = new Map();
      this.byClass.set(controller, handlers);
    }
    let policy = handlers.get(handler);
    if (!policy) {
      policy = this.read(handler, controller);
      handlers.set(handler, policy);
    }
    return policy;
  }

  private read(handler: Handler, controller: ControllerClass): RoutePolicy {
    const targets = [handler, controller];
    return {
      isPublic: this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, targets) === true,
      accessRule: this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE_KEY, targets),
      raw: this.reflector.getAllAndOverride<boolean | undefined>(RAW_RESPONSE_KEY, targets) === true,
      timeoutMs: this.reflector.getAllAndOverride<number | undefined>(REQUEST_TIMEOUT_KEY, targets),
      conditionalGet: this.reflector.get<ConditionalGetOptions | undefined>(CONDITIONAL_GET_KEY, handler),
      query: declaredQueryOf(controller, handler.name),
    };
  }
}
