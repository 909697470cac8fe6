import { type CallHandler, type ExecutionContext, HttpStatus } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { lastValueFrom, of } from 'rxjs';

import { RawResponse } from '../decorators/raw-response.decorator';
import { Paginated } from '../http/paginated';
import { ResponseEnvelopeInterceptor } from './response-envelope.interceptor';

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

interface ContextOptions {
  readonly type?: string;
  readonly statusCode?: number;
  readonly controller?: new () => object;
  readonly handler?: string;
}

function executionContext(options: ContextOptions = {}): ExecutionContext {
  const controller = options.controller ?? OrdersController;
  const handler = (controller.prototype as Record<string, unknown>)[options.handler ?? 'list'];
  const response = { statusCode: options.statusCode ?? HttpStatus.OK };
  return {
    getType: () => options.type ?? 'http',
    getHandler: () => handler,
    getClass: () => controller,
    switchToHttp: () => ({ getResponse: () => response, getRequest: () => ({}) }),
  } as unknown as ExecutionContext;
}

const returning = (value: unknown): CallHandler => ({ handle: () => of(value) });

async function interceptorWith(layers: { responseEnvelope: boolean }): Promise<ResponseEnvelopeInterceptor> {
  const moduleRef = await Test.createTestingModule({
    providers: [
      ResponseEnvelopeInterceptor,
      Reflector,
      { provide: ConfigService, useValue: new ConfigService({ app: { layers } }) },
    ],
  }).compile();
  return moduleRef.get(ResponseEnvelopeInterceptor);
}

describe(ResponseEnvelopeInterceptor.name, () => {
  let sut: ResponseEnvelopeInterceptor;

  beforeEach(async () => {
    sut = await interceptorWith({ responseEnvelope: true });
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

  it('leaves every result alone when the envelope is switched off', async () => {
    const unwrapped = await interceptorWith({ responseEnvelope: false });

    const result = await lastValueFrom(unwrapped.intercept(executionContext(), returning({ id: 'o-1' })));

    expect(result).toEqual({ id: 'o-1' });
  });

  it('leaves non-HTTP contexts alone', async () => {
    const result = await lastValueFrom(sut.intercept(executionContext({ type: 'rpc' }), returning({ id: 1 })));

    expect(result).toEqual({ id: 1 });
  });
});
