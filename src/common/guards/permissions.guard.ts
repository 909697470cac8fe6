import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

import { AccessControlService } from '../access/access-control.service';
import { AccessDecisionRecorder } from '../access/access-decision.recorder';
import { ACCESS_RULE_KEY, type AccessRule } from '../access/access-rule';
import type { AuthenticatedRequest, Principal } from '../access/principal';
import { IS_PUBLIC_KEY } from '../decorators/public.decorator';
import { AuthenticationException, PermissionDeniedException } from '../errors';

/**
 * Enforces @RequirePermissions / @RequireAnyPermission (method over class). Runs
 * after authentication; routes without a rule only need an authenticated caller, except that an
 * API key is refused on them: a key acts with its scopes only, so a route that names none is
 * closed to keys (fail closed for routes added later without a rule).
 */
@Injectable()
export class PermissionsGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly access: AccessControlService,
    private readonly decisions: AccessDecisionRecorder,
  ) {}

  canActivate(ctx: ExecutionContext): boolean {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE_KEY, [
      ctx.getHandler(),
      ctx.getClass(),
    ]);
    const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    if (!rule) return this.allowsWithoutRule(ctx, principal);
    if (!principal) throw new AuthenticationException('missing_credentials');
    const missing = this.access.unmetBy(principal, rule);
    if (missing.length === 0) {
      this.decisions.allowed();
      return true;
    }
    this.decisions.denied({ principal, missing, route: `${ctx.getClass().name}.${ctx.getHandler().name}` });
    throw new PermissionDeniedException({ required: rule });
  }

  private allowsWithoutRule(ctx: ExecutionContext, principal: Principal | undefined): boolean {
    if (principal?.method !== 'api_key') return true;
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [ctx.getHandler(), ctx.getClass()])) return true;
    this.decisions.denied({ principal, missing: ['scope'], route: `${ctx.getClass().name}.${ctx.getHandler().name}` });
    throw new PermissionDeniedException({ reason: 'not_available_to_api_keys' });
  }
}
