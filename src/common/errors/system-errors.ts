import { AppException } from './app.exception';
import { ErrorCode } from './error-code';

/** A dependency (database, payment gateway, ...) is down, its circuit is open, or time ran out. */
export class DependencyUnavailableException extends AppException {
  readonly code = ErrorCode.ServiceUnavailable;
  readonly retryAfterSeconds?: number;

  constructor(
    readonly dependency: string,
    options?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super('The service is temporarily unavailable, please retry', { dependency }, options);
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }

  override get headers(): Readonly<Record<string, string>> {
    return this.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(this.retryAfterSeconds) };
  }
}

/** Something unexpected; the filter logs the cause and shows the client nothing of it. */
export class InternalErrorException extends AppException {
  readonly code = ErrorCode.InternalError;

  constructor(options?: { cause?: unknown }) {
    super('An unexpected error occurred', undefined, options);
  }
}
