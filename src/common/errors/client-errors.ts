import { AppException, type ErrorDetails, withArticle } from './app.exception';
import { ErrorCode } from './error-code';

/** One failed rule, located the way clients expect: ["body", "email"], ["query", "page"], ... */
export interface FieldError {
  readonly loc: ReadonlyArray<string | number>;
  readonly msg: string;
  readonly type: string;
}

export class ValidationException extends AppException {
  readonly code = ErrorCode.ValidationError;

  constructor(
    readonly errors: readonly FieldError[],
    message = 'Request validation failed',
  ) {
    super(message, { errors });
  }

  /** One failed field, e.g. `ValidationException.forField(['query', 'cursor'], 'is invalid', 'cursor')`. */
  static forField(loc: FieldError['loc'], msg: string, type: string): ValidationException {
    return new ValidationException([{ loc, msg, type }]);
  }
}

/** Malformed JSON, a wrong content type or a body that cannot be read. */
export class MalformedRequestException extends AppException {
  readonly code = ErrorCode.BadRequest;

  constructor(message = 'The request could not be read', details?: ErrorDetails) {
    super(message, details);
  }
}

export class RequestTooLargeException extends AppException {
  readonly code = ErrorCode.PayloadTooLarge;

  constructor(limitBytes?: number) {
    super('The request body is too large', limitBytes === undefined ? undefined : { limitBytes });
  }
}

/** The request line and headers are over Node's limit (`--max-http-header-size`, 16 KiB by default). */
export class HeadersTooLargeException extends AppException {
  readonly code = ErrorCode.HeadersTooLarge;

  constructor() {
    super('The request line or headers are too large');
  }
}

/** The client did not send its request line and headers in time (Node's `headersTimeout`/`requestTimeout`). */
export class RequestTimeoutException extends AppException {
  readonly code = ErrorCode.RequestTimeout;

  constructor() {
    super('The request was not received in time');
  }
}

export class ResourceNotFoundException extends AppException {
  readonly code = ErrorCode.ResourceNotFound;

  constructor(resourceType: string, resourceId?: string) {
    super(`${resourceType} not found`, resourceId === undefined ? { resourceType } : { resourceType, resourceId });
  }
}

export class ResourceAlreadyExistsException extends AppException {
  readonly code = ErrorCode.ResourceAlreadyExists;

  constructor(resourceType: string, field: string) {
    const subject = withArticle(resourceType.toLowerCase());
    super(`${subject.charAt(0).toUpperCase()}${subject.slice(1)} with this ${field} already exists`, {
      resourceType,
      field,
    });
  }
}
