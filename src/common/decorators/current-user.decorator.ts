import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

import type { AuthenticatedRequest, Principal } from '../access/principal';
import { AuthenticationException } from '../errors';

/** The authenticated caller. On a @Public() route without credentials it throws 401. */
export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new AuthenticationException('missing_credentials');
  return principal;
});
