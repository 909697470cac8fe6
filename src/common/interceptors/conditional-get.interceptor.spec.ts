import { type CallHandler, type ExecutionContext, HttpStatus } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { lastValueFrom, of } from 'rxjs';

import { ConditionalGet } from '../http/conditional-get.decorator';
import { strongEtag } from '../http/etag';
import { ConditionalGetInterceptor } from './conditional-get.interceptor';

class ProductsController {
  @ConditionalGet({ cacheControl: 'public, max-age=0, must-revalidate' })
  detail(): void {}
}

interface FakeResponse {
  statusCode: number;
  readonly headers: Record<string, string>;
  setHeader(name: string, value: string): void;
  status(code: number): FakeResponse;
}

function fakeResponse(): FakeResponse {
  const response: FakeResponse = {
    statusCode: HttpStatus.OK,
    headers: {},
    setHeader: (name, value) => void (response.headers[name.toLowerCase()] = value),
    status: (code) => {
      response.statusCode = code;
      return response;
    },
  };
  return response;
}

function executionContext(response: FakeResponse, requestHeaders: Record<string, string> = {}): ExecutionContext {
  return {
    getType: () => 'http',
    getHandler: () => ProductsController.prototype.detail,
    getClass: () => ProductsController,
    switchToHttp: () => ({ getResponse: () => response, getRequest: () => ({ headers: requestHeaders }) }),
  } as unknown as ExecutionContext;
}

const returning = (value: unknown): CallHandler => ({ handle: () => of(value) });

describe(ConditionalGetInterceptor.name, () => {
  const product = { id: 'p-1', priceCents: 1299 };
  let sut: ConditionalGetInterceptor;

  beforeEach(async () => {
    const moduleRef = await Test.createTestingModule({ providers: [ConditionalGetInterceptor, Reflector] }).compile();
    sut = moduleRef.get(ConditionalGetInterceptor);
  });

  it('passes the data through with its strong ETag and the route’s Cache-Control', async () => {
    const response = fakeResponse();

    const result = await lastValueFrom(sut.intercept(executionContext(response), returning(product)));

    expect(result).toBe(product);
    expect(response.statusCode).toBe(HttpStatus.OK);
    expect(response.headers).toEqual({
      etag: strongEtag(product),
      'cache-control': 'public, max-age=0, must-revalidate',
    });
  });

  it('answers a matching If-None-Match with 304, no body, and the same headers', async () => {
    const response = fakeResponse();
    const context = executionContext(response, { 'if-none-match': strongEtag(product) });

    const result = await lastValueFrom(sut.intercept(context, returning(product)));

    expect(result).toBeUndefined();
    expect(response.statusCode).toBe(HttpStatus.NOT_MODIFIED);
    expect(response.headers.etag).toBe(strongEtag(product));
    expect(response.headers['cache-control']).toBe('public, max-age=0, must-revalidate');
  });

  it('sends the new representation when the client holds an outdated tag', async () => {
    const response = fakeResponse();
    const context = executionContext(response, { 'if-none-match': strongEtag({ ...product, priceCents: 999 }) });

    const result = await lastValueFrom(sut.intercept(context, returning(product)));

    expect(result).toBe(product);
    expect(response.statusCode).toBe(HttpStatus.OK);
  });
});
