import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

import type { AuthenticatedRequest, Principal } from '../access/principal';

/**
 * The caller on a @Public() route: the principal when valid credentials came with the request,
 * undefined for an anonymous one (e.g. answers that differ per user, like feature flags).
 */
export const OptionalUser = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): Principal | undefined =>
    ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal,
);
