import { type CallHandler, type ExecutionContext, HttpStatus, Query } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { ClsModule } from 'nestjs-cls';
import { lastValueFrom, of } from 'rxjs';

import { RequestContextService } from '../context/request-context.service';
import { RawResponse } from '../decorators/raw-response.decorator';
import { ValidationException } from '../errors';
import { ConditionalGet } from '../http/conditional-get.decorator';
import { strongEtag } from '../http/etag';
import { Paginated } from '../http/paginated';
import { ALL_LAYERS_ON, LEFT_OUT_LAYERS, type LeftOutLayers } from '../http/request-layers';
import { RoutePolicies } from '../http/route-policy';
import { SerializedJson } from '../http/serialized-json';
import { ResponseInterceptor } from './response.interceptor';

class SearchQuery {
  q?: string;
}

class SearchController {
  search(@Query() _query: SearchQuery): void {}
}

class OrdersController {
  list(): void {}
}

class ProbesController {
  @RawResponse()
  live(): void {}
}

@RawResponse()
class MetricsController {
  scrape(): void {}
}

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

function fakeResponse(statusCode: number = HttpStatus.OK): FakeResponse {
  const response: FakeResponse = {
    statusCode,
    headers: {},
    setHeader: (name, value) => void (response.headers[name.toLowerCase()] = value),
    status: (code) => {
      response.statusCode = code;
      return response;
    },
  };
  return response;
}

interface ContextOptions {
  readonly type?: string;
  readonly statusCode?: number;
  readonly controller?: new () => object;
  readonly handler?: string;
  readonly method?: string;
  readonly requestHeaders?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly response?: FakeResponse;
}

function executionContext(options: ContextOptions = {}): ExecutionContext {
  const controller = options.controller ?? OrdersController;
  const handler = (controller.prototype as Record<string, unknown>)[options.handler ?? 'list'];
  const response = options.response ?? fakeResponse(options.statusCode);
  const request = {
    method: options.method ?? 'GET',
    headers: options.requestHeaders ?? {},
    query: options.query ?? {},
  };
  return {
    getType: () => options.type ?? 'http',
    getHandler: () => handler,
    getClass: () => controller,
    switchToHttp: () => ({ getResponse: () => response, getRequest: () => request }),
  } as unknown as ExecutionContext;
}

const returning = (value: unknown): CallHandler => ({ handle: () => of(value) });

async function interceptorWith(leftOut: LeftOutLayers = ALL_LAYERS_ON): Promise<ResponseInterceptor> {
  const moduleRef = await Test.createTestingModule({
    imports: [ClsModule.forRoot({ global: true })],
    providers: [
      ResponseInterceptor,
      RoutePolicies,
      Reflector,
      RequestContextService,
      { provide: ConfigService, useValue: new ConfigService({ app: { requestTimeoutMs: 1000 } }) },
      { provide: LEFT_OUT_LAYERS, useValue: leftOut },
    ],
  }).compile();
  return moduleRef.get(ResponseInterceptor);
}

describe(ResponseInterceptor.name, () => {
  let sut: ResponseInterceptor;

  beforeEach(async () => {
    sut = await interceptorWith();
  });

  it('wraps a plain result', async () => {
    const result = await lastValueFrom(sut.intercept(executionContext(), returning({ id: 'o-1' })));

    expect(result).toEqual({ success: true, data: { id: 'o-1' } });
  });

  it.each<[string, unknown, unknown]>([
    ['undefined', undefined, null],
    ['null', null, null],
    ['false', false, false],
    ['0', 0, 0],
    ['an empty string', '', ''],
    ['an array', [1, 2], [1, 2]],
  ])('wraps %s as data', async (_label, value, data) => {
    const result = await lastValueFrom(sut.intercept(executionContext(), returning(value)));

    expect(result).toEqual({ success: true, data });
  });

  it('renders Paginated as items plus meta', async () => {
    const page = new Paginated([{ id: 'a' }, { id: 'b' }], { nextCursor: 'c2', limit: 2 });

    const result = await lastValueFrom(sut.intercept(executionContext(), returning(page)));

    expect(result).toEqual({ success: true, data: [{ id: 'a' }, { id: 'b' }], meta: { nextCursor: 'c2', limit: 2 } });
  });

  it('does not treat a look-alike object as Paginated', async () => {
    const lookAlike = { items: [], meta: {} };

    const result = await lastValueFrom(sut.intercept(executionContext(), returning(lookAlike)));

    expect(result).toEqual({ success: true, data: lookAlike });
  });

  it.each([
    ['204 No Content', HttpStatus.NO_CONTENT],
    ['304 Not Modified', HttpStatus.NOT_MODIFIED],
  ])('sends no body for %s', async (_label, statusCode) => {
    const context = executionContext({ statusCode });

    const result = await lastValueFrom(sut.intercept(context, returning({ ignored: true })));

    expect(result).toBeUndefined();
  });

  it('passes the result of a @RawResponse() handler through', async () => {
    const context = executionContext({ controller: ProbesController, handler: 'live' });

    const result = await lastValueFrom(sut.intercept(context, returning({ status: 'ok' })));

    expect(result).toEqual({ status: 'ok' });
  });

  it('passes the results of a @RawResponse() controller through', async () => {
    const context = executionContext({ controller: MetricsController, handler: 'scrape' });

    const result = await lastValueFrom(sut.intercept(context, returning('# HELP up 1')));

    expect(result).toBe('# HELP up 1');
  });

  it('leaves every result alone when the envelope is left out', async () => {
    const unwrapped = await interceptorWith(new Set(['responseEnvelope']));

    const result = await lastValueFrom(unwrapped.intercept(executionContext(), returning({ id: 'o-1' })));

    expect(result).toEqual({ id: 'o-1' });
  });

  it('leaves non-HTTP contexts alone', async () => {
    const result = await lastValueFrom(sut.intercept(executionContext({ type: 'rpc' }), returning({ id: 1 })));

    expect(result).toEqual({ id: 1 });
  });

  describe('query parameters', () => {
    it('refuses one the route does not declare, before the handler runs (422 unknown_field)', () => {
      const handler = { handle: jest.fn(() => of({})) };
      const ctx = executionContext({ controller: ProductsController, handler: 'detail', query: { limt: '5' } });

      expect(() => sut.intercept(ctx, handler)).toThrow(ValidationException);
      expect(handler.handle).not.toHaveBeenCalled();
    });

    it('leaves them to the validation pipe on a route with a query DTO', async () => {
      const ctx = executionContext({ controller: SearchController, handler: 'search', query: { limt: '5' } });

      await expect(lastValueFrom(sut.intercept(ctx, returning({})))).resolves.toEqual({ success: true, data: {} });
    });
  });

  describe('on a @ConditionalGet() route', () => {
    const product = { id: 'p-1', priceCents: 1299 };
    const detail = (response: FakeResponse, requestHeaders: Record<string, string> = {}) =>
      executionContext({ controller: ProductsController, handler: 'detail', response, requestHeaders });

    it('wraps the data and sends its strong ETag and the route’s Cache-Control', async () => {
      const response = fakeResponse();

      const result = await lastValueFrom(sut.intercept(detail(response), returning(product)));

      expect(result).toEqual({ success: true, data: product });
      expect(response.statusCode).toBe(HttpStatus.OK);
      expect(response.headers).toEqual({
        etag: strongEtag(product),
        'cache-control': 'public, max-age=0, must-revalidate',
      });
    });

    it('answers a matching If-None-Match with 304, no body, and the same headers', async () => {
      const response = fakeResponse();

      const result = await lastValueFrom(
        sut.intercept(detail(response, { 'if-none-match': strongEtag(product) }), returning(product)),
      );

      expect(result).toBeUndefined();
      expect(response.statusCode).toBe(HttpStatus.NOT_MODIFIED);
      expect(response.headers.etag).toBe(strongEtag(product));
      expect(response.headers['cache-control']).toBe('public, max-age=0, must-revalidate');
    });

    it('sends the new representation when the client holds an outdated tag', async () => {
      const response = fakeResponse();
      const outdated = strongEtag({ ...product, priceCents: 999 });

      const result = await lastValueFrom(
        sut.intercept(detail(response, { 'if-none-match': outdated }), returning(product)),
      );

      expect(result).toEqual({ success: true, data: product });
      expect(response.statusCode).toBe(HttpStatus.OK);
    });

    it('sends cached JSON as its text in the envelope, with the ETag it was stored with', async () => {
      const response = fakeResponse();
      const cached = SerializedJson.of(product);

      const result = await lastValueFrom(sut.intercept(detail(response), returning(cached)));

      expect(result).toBe(JSON.stringify({ success: true, data: product }));
      expect(response.headers).toEqual({
        etag: strongEtag(product),
        'cache-control': 'public, max-age=0, must-revalidate',
        'content-type': 'application/json; charset=utf-8',
      });
    });

    it('answers 304 with no body for cached JSON whose ETag the client holds', async () => {
      const response = fakeResponse();

      const result = await lastValueFrom(
        sut.intercept(
          detail(response, { 'if-none-match': strongEtag(product) }),
          returning(SerializedJson.of(product)),
        ),
      );

      expect(result).toBeUndefined();
      expect(response.statusCode).toBe(HttpStatus.NOT_MODIFIED);
    });
  });

  it.each([
    ['an anonymous read', 'GET', 'no-cache'],
    ['an anonymous write', 'POST', 'private, no-store'],
  ])('sets a default Cache-Control on %s', async (_label, method, expected) => {
    const response = fakeResponse();

    await lastValueFrom(sut.intercept(executionContext({ method, response }), returning({})));

    expect(response.headers['cache-control']).toBe(expected);
  });
});
