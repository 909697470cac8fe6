import { CallHandler, ExecutionContext, HttpStatus, Injectable, NestInterceptor } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { map, Observable } from 'rxjs';

import type { AllConfig } from '../../config';
import { RAW_RESPONSE_KEY } from '../decorators/raw-response.decorator';
import { Paginated } from '../http/paginated';

interface SuccessEnvelope<T> {
  readonly success: true;
  readonly data: T;
  readonly meta?: object;
}

/**
 * Wraps handler results in the success envelope; 204/304 responses and @RawResponse() routes are
 * left alone. RESPONSE_ENVELOPE_ENABLED=false leaves everything alone (to measure the envelope's cost).
 */
@Injectable()
export class ResponseEnvelopeInterceptor implements NestInterceptor {
  private readonly enabled: boolean;

  constructor(
    private readonly reflector: Reflector,
    config: ConfigService<AllConfig, true>,
  ) {
    this.enabled = config.getOrThrow('app', { infer: true }).layers.responseEnvelope;
  }

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.enabled || ctx.getType() !== 'http') return next.handle();
    const raw = this.reflector.getAllAndOverride<boolean>(RAW_RESPONSE_KEY, [ctx.getHandler(), ctx.getClass()]);
    if (raw) return next.handle();
    const response = ctx.switchToHttp().getResponse<Response>();
    return next.handle().pipe(map((body: unknown) => wrap(body, response.statusCode)));
  }
}

function wrap(body: unknown, status: number): SuccessEnvelope<unknown> | undefined {
  if (status === HttpStatus.NO_CONTENT || status === HttpStatus.NOT_MODIFIED) return undefined;
  if (body instanceof Paginated) {
    const page = body as Paginated<unknown, object>;
    return { success: true, data: page.items, meta: page.meta };
  }
  return { success: true, data: body ?? null };
}
