import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';

import { CsrfTokenService } from '../../platform/security/csrf-token.service';
import type { AuthenticatedRequest } from '../access/principal';
import { CsrfInvalidException } from '../errors';
import { CSRF_COOKIE, CSRF_HEADER, readCookie, UNSAFE_METHODS } from '../http/auth-cookies';
import { RoutePolicies } from '../http/route-policy';

/**
 * Runs after authentication: an unsafe request (POST, PUT, PATCH, DELETE) authenticated by the
 * access-token cookie must carry the CSRF token of its session in `X-CSRF-Token`, matching the
 * CSRF cookie (double submit, HMAC-bound to the session), or it gets 403 CSRF_INVALID. Bearer and
 * API-key requests are exempt: a browser never attaches those by itself. Public routes that read
 * a cookie themselves (refresh) check the token in their own handler.
 */
@Injectable()
export class CsrfGuard implements CanActivate {
  constructor(
    private readonly policies: RoutePolicies,
    private readonly csrf: CsrfTokenService,
  ) {}

  canActivate(ctx: ExecutionContext): boolean {
    if (ctx.getType() !== 'http') return true;
    const request = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = request.principal;
    if (!principal?.viaCookie || !UNSAFE_METHODS.has(request.method)) return true;
    if (this.policies.of(ctx).isPublic) return true;
    const header = request.headers[CSRF_HEADER];
    const valid =
      principal.sessionId !== undefined &&
      this.csrf.verify(
        typeof header === 'string' ? header : undefined,
        readCookie(request, CSRF_COOKIE),
        principal.sessionId,
      );
    if (!valid) throw new CsrfInvalidException();
    return true;
  }
}
