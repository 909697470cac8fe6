import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import type { Request, Response } from 'express';
import type { Observable } from 'rxjs';

import { routeTemplateOf } from '../../common/http/route-template';

/**
 * Names the HTTP server span after its route template (`POST /api/v1/orders`) and sets
 * `http.route`. Express is loaded as an ES module by Nest, out of reach of the Express
 * instrumentation, so the span would otherwise carry only the method.
 */
@Injectable()
export class RouteSpanInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const span = trace.getActiveSpan();
    if (span && ctx.getType() === 'http') {
      const http = ctx.switchToHttp();
      const request = http.getRequest<Request>();
      const route = routeTemplateOf(request, http.getResponse<Response>());
      span.setAttribute('http.route', route);
      span.updateName(`${request.method} ${route}`);
    }
    return next.handle();
  }
}
