import { AppException, type ErrorDetails } from './app.exception';
import { ErrorCode } from './error-code';

export class AuthenticationException extends AppException {
  readonly code = ErrorCode.AuthenticationError;

  /** `reason` is for logs and metrics only; clients always see the same message. */
  constructor(readonly reason = 'invalid_credentials') {
    super('Authentication required or credentials invalid');
  }

  override get headers(): Readonly<Record<string, string>> {
    return { 'WWW-Authenticate': 'Bearer' };
  }
}

export class PermissionDeniedException extends AppException {
  readonly code = ErrorCode.PermissionDenied;

  constructor(details?: ErrorDetails, message = 'You do not have permission to perform this action') {
    super(message, details);
  }
}

export class CsrfInvalidException extends AppException {
  readonly code = ErrorCode.CsrfInvalid;

  constructor() {
    super('Missing or invalid CSRF token');
  }
}

export class OperationNotAllowedException extends AppException {
  readonly code = ErrorCode.OperationNotAllowed;

  constructor(operation: string, reason: string, message = 'This operation is not allowed') {
    super(message, { operation, reason });
  }
}

export class RateLimitExceededException extends AppException {
  readonly code = ErrorCode.RateLimitExceeded;

  constructor(readonly retryAfterSeconds: number) {
    super('Too many requests', { retryAfterSeconds });
  }

  override get headers(): Readonly<Record<string, string>> {
    return { 'Retry-After': String(this.retryAfterSeconds) };
  }
}
