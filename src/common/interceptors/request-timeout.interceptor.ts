import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import { catchError, type Observable, throwError, timeout, TimeoutError } from 'rxjs';

import type { AllConfig } from '../../config';
import { RequestContextService } from '../context/request-context.service';
import { REQUEST_TIMEOUT_KEY } from '../decorators/request-timeout.decorator';
import { DependencyUnavailableException } from '../errors';

/**
 * Answers 503 SERVICE_UNAVAILABLE when a handler exceeds its time budget, and aborts the
 * request's signal so the abandoned work stops: the unit of work it was in rolls back instead of
 * committing after the client was told it failed (see TransactionRunner).
 */
@Injectable()
export class RequestTimeoutInterceptor implements NestInterceptor {
  private readonly defaultMs: number;

  constructor(
    private readonly reflector: Reflector,
    private readonly context: RequestContextService,
    config: ConfigService<AllConfig, true>,
  ) {
    this.defaultMs = config.getOrThrow('app', { infer: true }).requestTimeoutMs;
  }

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const ms =
      this.reflector.getAllAndOverride<number | undefined>(REQUEST_TIMEOUT_KEY, [ctx.getHandler(), ctx.getClass()]) ??
      this.defaultMs;
    if (ms <= 0 || ctx.getType() !== 'http') return next.handle();
    const controller = new AbortController();
    this.context.setSignal(controller.signal);
    return next.handle().pipe(
      timeout(ms),
      catchError((error: unknown) => {
        if (!(error instanceof TimeoutError)) return throwError(() => error);
        controller.abort(new Error(`request exceeded ${ms} ms`));
        return throwError(() => new DependencyUnavailableException('request-timeout', { cause: error }));
      }),
    );
  }
}
