import {
  BadRequestException,
  ForbiddenException,
  HttpException,
  HttpStatus,
  NotFoundException,
  PayloadTooLargeException,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { QueryFailedError } from 'typeorm';

import {
  type AppException,
  BusinessRuleException,
  DependencyUnavailableException,
  ErrorCode,
  InternalErrorException,
  RateLimitExceededException,
} from '../errors';
import { FORBIDDEN_KEY_MESSAGE, TOO_DEEP_ERROR_TYPE, TOO_DEEP_MESSAGE } from '../http/json-body';
import { toAppException } from './to-app-exception';

/** What body-parser raises (an http-errors object); Nest's Express adapter wraps it as the cause of a 400. */
function bodyParserError(fields: { type: string; message?: string; limit?: number; status?: number }): Error {
  return Object.assign(new Error(fields.message ?? 'body-parser failure'), { expose: true, ...fields });
}

function wrappedInBadRequest(cause: unknown): BadRequestException {
  return new BadRequestException('Bad Request', { cause });
}

describe(toAppException.name, () => {
  const sut = toAppException;

  it('passes an AppException through unchanged', () => {
    const error = new BusinessRuleException('Not on Sundays', { day: 'sunday' });

    expect(sut(error)).toBe(error);
  });

  describe('Nest HttpExceptions', () => {
    it.each<{ label: string; error: HttpException; code: ErrorCode; status: HttpStatus }>([
      {
        label: 'NotFoundException',
        error: new NotFoundException('Cannot GET /x'),
        code: ErrorCode.ResourceNotFound,
        status: HttpStatus.NOT_FOUND,
      },
      {
        label: 'PayloadTooLargeException',
        error: new PayloadTooLargeException(),
        code: ErrorCode.PayloadTooLarge,
        status: HttpStatus.PAYLOAD_TOO_LARGE,
      },
      {
        label: 'HttpException(413)',
        error: new HttpException('too large', HttpStatus.PAYLOAD_TOO_LARGE),
        code: ErrorCode.PayloadTooLarge,
        status: HttpStatus.PAYLOAD_TOO_LARGE,
      },
      {
        label: 'UnauthorizedException',
        error: new UnauthorizedException(),
        code: ErrorCode.AuthenticationError,
        status: HttpStatus.UNAUTHORIZED,
      },
      {
        label: 'ForbiddenException',
        error: new ForbiddenException(),
        code: ErrorCode.PermissionDenied,
        status: HttpStatus.FORBIDDEN,
      },
      {
        label: 'ServiceUnavailableException',
        error: new ServiceUnavailableException(),
        code: ErrorCode.ServiceUnavailable,
        status: HttpStatus.SERVICE_UNAVAILABLE,
      },
      {
        label: 'a plain BadRequestException',
        error: new BadRequestException('nope'),
        code: ErrorCode.BadRequest,
        status: HttpStatus.BAD_REQUEST,
      },
      {
        label: 'an unexpected 5xx HttpException',
        error: new HttpException('bad gateway', HttpStatus.BAD_GATEWAY),
        code: ErrorCode.InternalError,
        status: HttpStatus.INTERNAL_SERVER_ERROR,
      },
    ])('maps $label to $code', ({ error, code, status }) => {
      const result = sut(error);

      expect(result.code).toBe(code);
      expect(result.status).toBe(status);
    });

    it('does not echo the path of an unmatched route', () => {
      const result = sut(new NotFoundException('Cannot GET /secret-path'));

      expect(result.message).not.toContain('/secret-path');
    });

    it.each([
      { label: 'ThrottlerException', error: new ThrottlerException() },
      { label: 'HttpException(429)', error: new HttpException('slow down', HttpStatus.TOO_MANY_REQUESTS) },
    ])('maps $label to RATE_LIMIT_EXCEEDED with a Retry-After header', ({ error }) => {
      const result = sut(error);

      expect(result).toBeInstanceOf(RateLimitExceededException);
      expect(result.code).toBe(ErrorCode.RateLimitExceeded);
      expect(result.status).toBe(HttpStatus.TOO_MANY_REQUESTS);
      expect(result.headers).toEqual({ 'Retry-After': expect.stringMatching(/^\d+$/) });
    });

    it('keeps the original of an unexpected 5xx as the cause', () => {
      const error = new HttpException('bad gateway', HttpStatus.BAD_GATEWAY);

      expect(sut(error).cause).toBe(error);
    });
  });

  describe('body-parser failures', () => {
    it('answers invalid JSON with a fixed message that does not echo the parser', () => {
      const cause = bodyParserError({
        type: 'entity.parse.failed',
        message: 'Unexpected token } in JSON at position 9',
        status: 400,
      });

      const result = sut(wrappedInBadRequest(cause));

      expect(result.code).toBe(ErrorCode.BadRequest);
      expect(result.status).toBe(HttpStatus.BAD_REQUEST);
      expect(result.message).toBe('The request body is not valid JSON');
      expect(JSON.stringify(result.details ?? {})).not.toContain('Unexpected token');
    });

    it('keeps the message of the prototype-key reviver', () => {
      const message = `${FORBIDDEN_KEY_MESSAGE} "__proto__"`;

      const result = sut(wrappedInBadRequest(bodyParserError({ type: 'entity.parse.failed', message })));

      expect(result.code).toBe(ErrorCode.BadRequest);
      expect(result.message).toBe(message);
    });

    it('answers a body nested too deeply with BAD_REQUEST naming the limit', () => {
      // body-parser turns an error thrown by `verify` into a 403 carrying the thrower's type.
      const cause = bodyParserError({ type: TOO_DEEP_ERROR_TYPE, message: TOO_DEEP_MESSAGE, status: 403 });

      const result = sut(wrappedInBadRequest(cause));

      expect(result.code).toBe(ErrorCode.BadRequest);
      expect(result.status).toBe(HttpStatus.BAD_REQUEST);
      expect(result.message).toBe(TOO_DEEP_MESSAGE);
    });

    it('answers a body over the limit with PAYLOAD_TOO_LARGE and the limit', () => {
      const result = sut(wrappedInBadRequest(bodyParserError({ type: 'entity.too.large', limit: 1024, status: 413 })));

      expect(result.code).toBe(ErrorCode.PayloadTooLarge);
      expect(result.status).toBe(HttpStatus.PAYLOAD_TOO_LARGE);
      expect(result.details).toEqual({ limitBytes: 1024 });
    });

    it('recognises a body-parser error that reaches the filter unwrapped', () => {
      const result = sut(bodyParserError({ type: 'entity.too.large', limit: 2048 }));

      expect(result.code).toBe(ErrorCode.PayloadTooLarge);
      expect(result.details).toEqual({ limitBytes: 2048 });
    });

    it.each([
      ['encoding.unsupported', ErrorCode.BadRequest],
      ['charset.unsupported', ErrorCode.BadRequest],
      ['request.aborted', ErrorCode.BadRequest],
      ['request.size.invalid', ErrorCode.BadRequest],
      ['parameters.too.many', ErrorCode.PayloadTooLarge],
    ])('maps %s to %s', (type, code) => {
      expect(sut(wrappedInBadRequest(bodyParserError({ type }))).code).toBe(code);
    });

    it('treats a cause with an unknown type like the HttpException itself', () => {
      const result = sut(wrappedInBadRequest(bodyParserError({ type: 'something.else' })));

      expect(result.code).toBe(ErrorCode.BadRequest);
    });
  });

  describe('everything else', () => {
    it('becomes INTERNAL_ERROR that hides the message and keeps the original as cause', () => {
      const error = new TypeError("Cannot read properties of undefined (reading 'secretField')");

      const result = sut(error);

      expect(result).toBeInstanceOf(InternalErrorException);
      expect(result.code).toBe(ErrorCode.InternalError);
      expect(result.status).toBe(HttpStatus.INTERNAL_SERVER_ERROR);
      expect(result.message).not.toContain('secretField');
      expect(result.details).toBeUndefined();
      expect(result.cause).toBe(error);
    });

    it.each<[string, unknown]>([
      ['a string', 'boom'],
      ['undefined', undefined],
      ['null', null],
      ['a plain object', { message: 'not an error' }],
    ])('wraps %s as INTERNAL_ERROR', (_label, thrown) => {
      const result: AppException = sut(thrown);

      expect(result.code).toBe(ErrorCode.InternalError);
      expect(result.cause).toBe(thrown);
    });

    it('maps database failures through the database mapper', () => {
      const error = new QueryFailedError('SELECT 1', [], Object.assign(new Error('down'), { code: '57P01' }));

      expect(sut(error)).toBeInstanceOf(DependencyUnavailableException);
    });
  });
});
