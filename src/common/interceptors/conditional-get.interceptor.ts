import { type CallHandler, type ExecutionContext, HttpStatus, Injectable, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { map, type Observable } from 'rxjs';

import { ifNoneMatchHits, strongEtag } from '../http/etag';

export const CONDITIONAL_GET_KEY = 'http:conditionalGet';

export interface ConditionalGetOptions {
  /** The `Cache-Control` sent with the representation and with its 304s. */
  readonly cacheControl: string;
}

/**
 * Conditional GET for a handler's result (see `@ConditionalGet()`): sends a strong `ETag` of the
 * data and the route's `Cache-Control`, and answers a matching `If-None-Match` with 304 and no
 * body. Runs inside the envelope interceptor, so the tag covers the data the client receives.
 */
@Injectable()
export class ConditionalGetInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const options = this.reflector.get<ConditionalGetOptions | undefined>(CONDITIONAL_GET_KEY, ctx.getHandler());
    const http = ctx.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    return next.handle().pipe(
      map((body: unknown) => {
        const etag = strongEtag(body);
        response.setHeader('ETag', etag);
        if (options) response.setHeader('Cache-Control', options.cacheControl);
        if (!ifNoneMatchHits(request.headers['if-none-match'], etag)) return body;
        response.status(HttpStatus.NOT_MODIFIED);
        return undefined;
      }),
    );
  }
}
