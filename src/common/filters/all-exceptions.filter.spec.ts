import { type ArgumentsHost, HttpStatus, Logger, NotFoundException } from '@nestjs/common';
import { Test } from '@nestjs/testing';

import {
  AuthenticationException,
  BusinessRuleException,
  ErrorCode,
  RateLimitExceededException,
  ResourceNotFoundException,
  ValidationException,
} from '../errors';
import { AllExceptionsFilter } from './all-exceptions.filter';

interface FakeResponse {
  status: jest.Mock;
  set: jest.Mock;
  json: jest.Mock;
  locals: Record<string, unknown>;
  headersSent: boolean;
}

function fakeResponse(headersSent = false): FakeResponse {
  const response: FakeResponse = { status: jest.fn(), set: jest.fn(), json: jest.fn(), locals: {}, headersSent };
  response.status.mockReturnValue(response);
  response.set.mockReturnValue(response);
  response.json.mockReturnValue(response);
  return response;
}

function httpHost(response: FakeResponse, type = 'http'): ArgumentsHost {
  const request = { id: 'req-1', method: 'GET', path: '/x' };
  const http = { getRequest: () => request, getResponse: () => response, getNext: jest.fn() };
  return { getType: () => type, switchToHttp: () => http } as unknown as ArgumentsHost;
}

/** The single body written to the response. */
function sentBody(response: FakeResponse): Record<string, unknown> {
  expect(response.json).toHaveBeenCalledTimes(1);
  return response.json.mock.calls[0][0] as Record<string, unknown>;
}

function sentHeaders(response: FakeResponse): Record<string, string> {
  expect(response.set).toHaveBeenCalledTimes(1);
  return response.set.mock.calls[0][0] as Record<string, string>;
}

describe(AllExceptionsFilter.name, () => {
  let sut: AllExceptionsFilter;
  let errorLog: jest.SpyInstance;

  beforeEach(async () => {
    errorLog = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const moduleRef = await Test.createTestingModule({ providers: [AllExceptionsFilter] }).compile();
    sut = moduleRef.get(AllExceptionsFilter);
  });

  afterEach(() => {
    errorLog.mockRestore();
  });

  it('answers a client error with its status, code, message and details', () => {
    const response = fakeResponse();
    const error = ValidationException.forField(['body', 'email'], 'must be an email', 'invalid.isEmail');

    sut.catch(error, httpHost(response));

    expect(response.status).toHaveBeenCalledWith(HttpStatus.UNPROCESSABLE_ENTITY);
    expect(sentBody(response)).toEqual({
      success: false,
      error: {
        code: ErrorCode.ValidationError,
        message: 'Request validation failed',
        details: { errors: [{ loc: ['body', 'email'], msg: 'must be an email', type: 'invalid.isEmail' }] },
      },
      requestId: 'req-1',
    });
    expect(response.locals.errorCode).toBe(ErrorCode.ValidationError);
    expect(errorLog).not.toHaveBeenCalled();
  });

  it('leaves out details when the error has none', () => {
    const response = fakeResponse();

    sut.catch(new AuthenticationException(), httpHost(response));

    expect(sentBody(response)).toEqual({
      success: false,
      error: { code: ErrorCode.AuthenticationError, message: expect.any(String) },
      requestId: 'req-1',
    });
  });

  it('sends WWW-Authenticate with an authentication error', () => {
    const response = fakeResponse();

    sut.catch(new AuthenticationException('expired'), httpHost(response));

    expect(response.status).toHaveBeenCalledWith(HttpStatus.UNAUTHORIZED);
    expect(sentHeaders(response)).toEqual({ 'WWW-Authenticate': 'Bearer' });
  });

  it('sends Retry-After with a rate-limit error', () => {
    const response = fakeResponse();

    sut.catch(new RateLimitExceededException(30), httpHost(response));

    expect(response.status).toHaveBeenCalledWith(HttpStatus.TOO_MANY_REQUESTS);
    expect(sentHeaders(response)).toEqual({ 'Retry-After': '30' });
    expect(sentBody(response)).toMatchObject({ error: { code: ErrorCode.RateLimitExceeded } });
  });

  it('marks the framework 404 as an unmatched route', () => {
    const response = fakeResponse();

    sut.catch(new NotFoundException('Cannot GET /x'), httpHost(response));

    expect(response.status).toHaveBeenCalledWith(HttpStatus.NOT_FOUND);
    expect(sentBody(response)).toMatchObject({ error: { code: ErrorCode.ResourceNotFound } });
    expect(response.locals.route).toBe('unmatched');
  });

  it('does not mark a 404 of a matched route (an AppException) as unmatched', () => {
    const response = fakeResponse();

    sut.catch(new ResourceNotFoundException('Order', 'o-1'), httpHost(response));

    expect(response.status).toHaveBeenCalledWith(HttpStatus.NOT_FOUND);
    expect(response.locals.route).toBeUndefined();
  });

  describe('an unexpected error', () => {
    const secret = 'password authentication failed for user "admin" at 10.0.0.7';

    it('is answered with a bare INTERNAL_ERROR that reveals nothing of the original', () => {
      const response = fakeResponse();
      const error = new Error(secret);

      sut.catch(error, httpHost(response));

      expect(response.status).toHaveBeenCalledWith(HttpStatus.INTERNAL_SERVER_ERROR);
      const body = sentBody(response);
      expect(body).toEqual({
        success: false,
        error: { code: ErrorCode.InternalError, message: expect.any(String) },
        requestId: 'req-1',
      });
      const serialized = JSON.stringify(body);
      expect(serialized).not.toContain(secret);
      expect(serialized).not.toContain('10.0.0.7');
      const firstStackFrame = error.stack?.split('\n')[1]?.trim() ?? 'missing stack';
      expect(serialized).not.toContain(firstStackFrame);
      expect(serialized).not.toContain(__filename);
      expect(response.locals.errorCode).toBe(ErrorCode.InternalError);
    });

    it('is logged in full with the request', () => {
      const error = new Error(secret);

      sut.catch(error, httpHost(fakeResponse()));

      expect(errorLog).toHaveBeenCalledTimes(1);
      expect(errorLog).toHaveBeenCalledWith(
        { err: error, code: ErrorCode.InternalError, method: 'GET', path: '/x' },
        expect.stringContaining(ErrorCode.InternalError),
      );
    });

    it('logs a thrown non-Error as an Error', () => {
      sut.catch('plain string', httpHost(fakeResponse()));

      const [fields] = errorLog.mock.calls[0] as [{ err: Error }];
      expect(fields.err).toBeInstanceOf(Error);
      expect(fields.err.message).toBe('plain string');
    });
  });

  it('does not log client errors', () => {
    sut.catch(new BusinessRuleException('Not today'), httpHost(fakeResponse()));

    expect(errorLog).not.toHaveBeenCalled();
  });

  it('writes nothing once the headers are sent, but still logs', () => {
    const response = fakeResponse(true);

    sut.catch(new Error('late failure'), httpHost(response));

    expect(response.status).not.toHaveBeenCalled();
    expect(response.set).not.toHaveBeenCalled();
    expect(response.json).not.toHaveBeenCalled();
    expect(errorLog).toHaveBeenCalledTimes(1);
  });

  it('rethrows outside HTTP', () => {
    const response = fakeResponse();
    const error = new Error('from a queue worker');

    expect(() => sut.catch(error, httpHost(response, 'rpc'))).toThrow(error);
    expect(response.json).not.toHaveBeenCalled();
  });
});
