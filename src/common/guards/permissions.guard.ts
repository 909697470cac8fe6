import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';

import { AccessControlService } from '../access/access-control.service';
import { AccessDecisionRecorder } from '../access/access-decision.recorder';
import type { AuthenticatedRequest, Principal } from '../access/principal';
import { AuthenticationException, PermissionDeniedException } from '../errors';
import { RoutePolicies } from '../http/route-policy';

/**
 * Enforces @RequirePermissions / @RequireAnyPermission (method over class). Runs
 * after authentication; routes without a rule only need an authenticated caller, except that an
 * API key is refused on them: a key acts with its scopes only, so a route that names none is
 * closed to keys (fail closed for routes added later without a rule).
 */
@Injectable()
export class PermissionsGuard implements CanActivate {
  constructor(
    private readonly policies: RoutePolicies,
    private readonly access: AccessControlService,
    private readonly decisions: AccessDecisionRecorder,
  ) {}

  canActivate(ctx: ExecutionContext): boolean {
    // The route's policy is read once per handler (RoutePolicies), not looked up per request.
    const policy = this.policies.of(ctx);
    const rule = policy.accessRule;
    const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    if (!rule) return this.allowsWithoutRule(ctx, principal, policy.isPublic);
    if (!principal) throw new AuthenticationException('missing_credentials');
    const missing = this.access.unmetBy(principal, rule);
    if (missing.length === 0) {
      this.decisions.allowed();
      return true;
    }
    this.decisions.denied({ principal, missing, route: `${ctx.getClass().name}.${ctx.getHandler().name}` });
    throw new PermissionDeniedException({ required: rule });
  }

  private allowsWithoutRule(ctx: ExecutionContext, principal: Principal | undefined, isPublic: boolean): boolean {
    if (principal?.method !== 'api_key' || isPublic) return true;
    this.decisions.denied({ principal, missing: ['scope'], route: `${ctx.getClass().name}.${ctx.getHandler().name}` });
    throw new PermissionDeniedException({ reason: 'not_available_to_api_keys' });
  }
}
