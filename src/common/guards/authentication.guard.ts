import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { PinoLogger } from 'nestjs-pino';

import { AUTHENTICATOR, type Authenticator } from '../access/authenticator';
import type { AuthenticatedRequest, Principal } from '../access/principal';
import { RequestContextService } from '../context/request-context.service';
import { AuthenticationException } from '../errors';
import { RoutePolicies } from '../http/route-policy';

/**
 * Authentication is on by default: every route needs credentials unless it is @Public().
 * On public routes valid credentials are still recognised (rate limits and feature flags are
 * per user), and bad ones are ignored rather than rejected.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly policies: RoutePolicies,
    @Inject(AUTHENTICATOR) private readonly authenticator: Authenticator,
    private readonly context: RequestContextService,
    private readonly logger: PinoLogger,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const request = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
    const isPublic = this.policies.of(ctx).isPublic;
    const principal = isPublic ? await this.tryAuthenticate(request) : await this.authenticator.authenticate(request);
    if (principal) this.remember(request, principal);
    else if (!isPublic) throw new AuthenticationException('missing_credentials');
    return true;
  }

  private async tryAuthenticate(request: Request): Promise<Principal | null> {
    try {
      return await this.authenticator.authenticate(request);
    } catch (error) {
      if (error instanceof AuthenticationException) return null;
      throw error;
    }
  }

  private remember(request: AuthenticatedRequest, principal: Principal): void {
    request.principal = principal;
    this.context.setPrincipal(principal);
    this.logger.assign({ userId: principal.userId });
  }
}
