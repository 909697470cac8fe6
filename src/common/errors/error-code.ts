import { HttpStatus } from '@nestjs/common';

/** Stable, client-visible error codes. Adding one is fine; renaming one breaks clients. */
export enum ErrorCode {
  ValidationError = 'VALIDATION_ERROR',
  BadRequest = 'BAD_REQUEST',
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  HeadersTooLarge = 'HEADERS_TOO_LARGE',
  RequestTimeout = 'REQUEST_TIMEOUT',
  AuthenticationError = 'AUTHENTICATION_ERROR',
  PermissionDenied = 'PERMISSION_DENIED',
  CsrfInvalid = 'CSRF_INVALID',
  ResourceNotFound = 'RESOURCE_NOT_FOUND',
  ResourceAlreadyExists = 'RESOURCE_ALREADY_EXISTS',
  InvalidState = 'INVALID_STATE',
  InsufficientStock = 'INSUFFICIENT_STOCK',
  BusinessRuleViolation = 'BUSINESS_RULE_VIOLATION',
  OperationNotAllowed = 'OPERATION_NOT_ALLOWED',
  RateLimitExceeded = 'RATE_LIMIT_EXCEEDED',
  ServiceUnavailable = 'SERVICE_UNAVAILABLE',
  InternalError = 'INTERNAL_ERROR',
}

/** The one table from error code to HTTP status (docs/api.md, "Error codes"). */
export const HTTP_STATUS_BY_ERROR_CODE: Readonly<Record<ErrorCode, HttpStatus>> = {
  [ErrorCode.ValidationError]: HttpStatus.UNPROCESSABLE_ENTITY,
  [ErrorCode.BadRequest]: HttpStatus.BAD_REQUEST,
  [ErrorCode.PayloadTooLarge]: HttpStatus.PAYLOAD_TOO_LARGE,
  [ErrorCode.HeadersTooLarge]: 431 as HttpStatus, // Request Header Fields Too Large: not in Nest's HttpStatus enum
  [ErrorCode.RequestTimeout]: HttpStatus.REQUEST_TIMEOUT,
  [ErrorCode.AuthenticationError]: HttpStatus.UNAUTHORIZED,
  [ErrorCode.PermissionDenied]: HttpStatus.FORBIDDEN,
  [ErrorCode.CsrfInvalid]: HttpStatus.FORBIDDEN,
  [ErrorCode.ResourceNotFound]: HttpStatus.NOT_FOUND,
  [ErrorCode.ResourceAlreadyExists]: HttpStatus.CONFLICT,
  [ErrorCode.InvalidState]: HttpStatus.CONFLICT,
  [ErrorCode.InsufficientStock]: HttpStatus.CONFLICT,
  [ErrorCode.BusinessRuleViolation]: HttpStatus.UNPROCESSABLE_ENTITY,
  [ErrorCode.OperationNotAllowed]: HttpStatus.FORBIDDEN,
  [ErrorCode.RateLimitExceeded]: HttpStatus.TOO_MANY_REQUESTS,
  [ErrorCode.ServiceUnavailable]: HttpStatus.SERVICE_UNAVAILABLE,
  [ErrorCode.InternalError]: HttpStatus.INTERNAL_SERVER_ERROR,
};
