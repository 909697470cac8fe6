import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import type { Observable } from 'rxjs';

import type { AuthenticatedRequest } from '../access/principal';

/**
 * A default Cache-Control for API responses, set before the handler runs so a handler (or an
 * error) can still replace it: anything personal (authenticated) or state-changing is
 * `no-store`; other reads must be revalidated (`no-cache`).
 */
@Injectable()
export class CacheControlInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() === 'http') {
      const request = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
      const response = ctx.switchToHttp().getResponse<Response>();
      const personalOrWrite = request.principal !== undefined || !['GET', 'HEAD'].includes(request.method);
      response.setHeader('Cache-Control', personalOrWrite ? 'private, no-store' : 'no-cache');
    }
    return next.handle();
  }
}
