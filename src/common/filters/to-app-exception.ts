import { HttpException, HttpStatus } from '@nestjs/common';

import {
  AppException,
  AuthenticationException,
  DependencyUnavailableException,
  InternalErrorException,
  MalformedRequestException,
  mapDatabaseError,
  PermissionDeniedException,
  RateLimitExceededException,
  RequestTooLargeException,
  ResourceNotFoundException,
  ValidationException,
} from '../errors';
import { FORBIDDEN_KEY_MESSAGE, TOO_DEEP_ERROR_TYPE, TOO_DEEP_MESSAGE } from '../http/json-body';

/** The shape of errors raised by body-parser (and other http-errors users) before Nest sees the request. */
interface HttpErrorLike {
  type?: string;
  message?: string;
  status?: number;
  statusCode?: number;
  limit?: number;
  expose?: boolean;
}

/**
 * Brings every throwable into the AppException hierarchy, so the filter has one shape to
 * render. Whatever it does not recognise becomes INTERNAL_ERROR, keeping the original as the
 * cause for the log.
 */
export function toAppException(error: unknown): AppException {
  if (error instanceof AppException) return error;
  // Nest's Express adapter wraps body-parser failures in an HttpException, keeping the original as cause.
  const bodyError = fromBodyParserError(error instanceof HttpException ? error.cause : error);
  if (bodyError) return bodyError;
  if (error instanceof HttpException) return fromHttpException(error);
  return mapDatabaseError(error) ?? new InternalErrorException({ cause: error });
}

function fromHttpException(error: HttpException): AppException {
  const status = error.getStatus();
  switch (status) {
    case HttpStatus.NOT_FOUND:
      return new ResourceNotFoundException('Route');
    case HttpStatus.PAYLOAD_TOO_LARGE:
      return new RequestTooLargeException();
    case HttpStatus.UNAUTHORIZED:
      return new AuthenticationException('rejected_by_framework');
    case HttpStatus.FORBIDDEN:
      return new PermissionDeniedException();
    case HttpStatus.TOO_MANY_REQUESTS:
      return new RateLimitExceededException(1);
    case HttpStatus.UNPROCESSABLE_ENTITY:
      return ValidationException.forField(['request'], error.message, 'invalid');
    case HttpStatus.SERVICE_UNAVAILABLE:
    case HttpStatus.GATEWAY_TIMEOUT:
      return new DependencyUnavailableException('upstream', { cause: error });
    default:
      return status < 500 ? new MalformedRequestException(error.message) : new InternalErrorException({ cause: error });
  }
}

const BODY_PARSER_ERRORS: Readonly<Record<string, (error: HttpErrorLike) => AppException>> = {
  // The parser's own message can quote part of the body back; only our own reviver's is passed on.
  'entity.parse.failed': (error) =>
    new MalformedRequestException(
      error.message?.startsWith(FORBIDDEN_KEY_MESSAGE) ? error.message : 'The request body is not valid JSON',
    ),
  [TOO_DEEP_ERROR_TYPE]: () => new MalformedRequestException(TOO_DEEP_MESSAGE),
  'entity.too.large': (error) => new RequestTooLargeException(error.limit),
  'parameters.too.many': () => new RequestTooLargeException(),
  'encoding.unsupported': () => new MalformedRequestException('Unsupported content encoding'),
  'charset.unsupported': () => new MalformedRequestException('Unsupported charset'),
  'request.aborted': () => new MalformedRequestException('The request was aborted'),
  'request.size.invalid': () => new MalformedRequestException('The request size did not match Content-Length'),
};

function fromBodyParserError(error: unknown): AppException | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const candidate = error as HttpErrorLike;
  const build = candidate.type ? BODY_PARSER_ERRORS[candidate.type] : undefined;
  return build?.(candidate);
}
