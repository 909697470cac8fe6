import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

import { AccessControlService } from '../access/access-control.service';
import { AccessDecisionRecorder } from '../access/access-decision.recorder';
import { ACCESS_RULE_KEY, type AccessRule } from '../access/access-rule';
import { AuthenticationException, PermissionDeniedException } from '../errors';
import type { AuthenticatedRequest } from './authentication.guard';

/**
 * Enforces @RequirePermissions / @RequireAnyPermission / @AdminOnly (method over class). Runs
 * after authentication; routes without a rule only need an authenticated caller.
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
    if (!rule) return true;
    const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    if (!principal) throw new AuthenticationException('missing_credentials');
    const missing = this.access.unmetBy(principal, rule);
    if (missing.length === 0) {
      this.decisions.allowed();
      return true;
    }
    this.decisions.denied({ principal, missing, route: `${ctx.getClass().name}.${ctx.getHandler().name}` });
    throw new PermissionDeniedException({ required: rule });
  }
}
