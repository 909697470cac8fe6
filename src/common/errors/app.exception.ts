import { type HttpStatus } from '@nestjs/common';

import { type ErrorCode, HTTP_STATUS_BY_ERROR_CODE } from './error-code';

export type ErrorDetails = Readonly<Record<string, unknown>>;

/**
 * The base of every error a client may see. Services throw subclasses; the global exception
 * filter is the only place that turns them into HTTP responses, through the code -> status
 * table. Services never throw Nest's HttpException.
 */
export abstract class AppException extends Error {
  abstract readonly code: ErrorCode;

  protected constructor(
    message: string,
    readonly details?: ErrorDetails,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }

  get status(): HttpStatus {
    return HTTP_STATUS_BY_ERROR_CODE[this.code];
  }

  /** Extra response headers (WWW-Authenticate, Retry-After, ...). */
  get headers(): Readonly<Record<string, string>> {
    return {};
  }
}

/**
 * "an order", "a user": the indefinite article of a resource name, by its first letter. A "u"
 * takes "a" because the resource names that start with one (user) are sounded "you".
 */
export function withArticle(noun: string): string {
  return `${/^[aeio]/i.test(noun) ? 'an' : 'a'} ${noun}`;
}
