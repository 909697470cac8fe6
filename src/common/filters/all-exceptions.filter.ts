import { ArgumentsHost, Catch, ExceptionFilter, Logger, NotFoundException } from '@nestjs/common';
import type { Request, Response } from 'express';

import { AppException, ErrorCode } from '../errors';
import { markUnmatchedRoute, UNMATCHED_ROUTE } from '../http/route-template';
import { toAppException } from './to-app-exception';

/** The body of every error response (docs/api.md). */
export interface ErrorEnvelope {
  readonly success: false;
  readonly error: { readonly code: ErrorCode; readonly message: string; readonly details?: unknown };
  readonly requestId?: string;
}

/**
 * The only place where errors become HTTP responses. Client errors are answered with their
 * code and details; anything else is logged in full (with the request id) and answered with a
 * bare INTERNAL_ERROR so that no stack, SQL or message of a library reaches the client.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const request = host.switchToHttp().getRequest<Request & { id?: string }>();
    const response = host.switchToHttp().getResponse<Response>();
    const error = toAppException(exception);
    this.log(error, exception, request);
    if (response.headersSent) return;

    // Read by the request-completion log line and by the HTTP metrics.
    response.locals.errorCode = error.code;
    if (exception instanceof NotFoundException) markUnmatchedRoute(response);
    response.status(error.status).set(error.headers).json(this.envelope(error, request.id));
  }

  private envelope(error: AppException, requestId: string | undefined): ErrorEnvelope {
    return {
      success: false,
      error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) },
      requestId,
    };
  }

  private log(error: AppException, original: unknown, request: Request): void {
    if (error.status < 500) {
      if (!hasRequestLogger(request)) this.logRefusal(error, request);
      return; // otherwise the request-completion line carries the status and code
    }
    const cause = error.cause ?? original;
    this.logger.error(
      {
        err: cause instanceof Error ? cause : new Error(String(cause)),
        code: error.code,
        method: request.method,
        path: request.path,
      },
      `Request failed with ${error.code}`,
    );
  }

  /**
   * Refused before the request logger was attached (a body parser, the per-address limit, an
   * unknown path outside /api/v1): no completion line will be written, so this is the line.
   */
  private logRefusal(error: AppException, request: Request): void {
    this.logger.warn(
      {
        requestId: (request as Request & { id?: string }).id,
        method: request.method,
        route: UNMATCHED_ROUTE,
        status: error.status,
        errorCode: error.code,
      },
      `${request.method} refused before routing: ${error.status}`,
    );
  }
}

/** pino-http puts its logger on the request when it starts following it (its completion line follows). */
function hasRequestLogger(request: Request): boolean {
  return 'log' in request;
}
