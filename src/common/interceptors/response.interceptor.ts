import {
  type CallHandler,
  type ExecutionContext,
  HttpStatus,
  Inject,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Request, Response } from 'express';
import { catchError, map, type Observable, throwError, timeout, TimeoutError } from 'rxjs';

import type { AllConfig } from '../../config';
import type { AuthenticatedRequest } from '../access/principal';
import { RequestContextService } from '../context/request-context.service';
import { DependencyUnavailableException, ValidationException } from '../errors';
import { ifNoneMatchHits, strongEtag } from '../http/etag';
import { Paginated } from '../http/paginated';
import { LEFT_OUT_LAYERS, type LeftOutLayers } from '../http/request-layers';
import { RoutePolicies, type RoutePolicy } from '../http/route-policy';
import { SerializedJson } from '../http/serialized-json';

interface SuccessEnvelope<T> {
  readonly success: true;
  readonly data: T;
  readonly meta?: object;
}

/**
 * Everything the API does around a handler, in one interceptor so each request builds one short
 * rxjs pipeline instead of one per concern (docs/decisions/0032):
 *
 * 0. Unknown query parameters are refused (422, `unknown_field`) on routes without a query DTO,
 *    as the validation pipe's whitelist refuses them on routes with one: a misspelt `?limt=5`
 *    must not be silently ignored on some routes and refused on others.
 * 1. A default `Cache-Control`, set before the handler runs so it (or an error) can replace it:
 *    anything personal (authenticated) or state-changing is `no-store`, other reads `no-cache`.
 * 2. The time budget: past it the answer is 503 SERVICE_UNAVAILABLE and the request's signal is
 *    aborted, so the unit of work it was in rolls back instead of committing after the client was
 *    told it failed (see TransactionRunner).
 * 3. Conditional GET on `@ConditionalGet()` routes: a strong `ETag` of the data and the route's
 *    `Cache-Control`; a matching `If-None-Match` is answered 304 with no body.
 * 4. The success envelope; 204/304 responses and `@RawResponse()` routes are left alone. A
 *    `SerializedJson` result (cached bytes) is sent as its text, inside the same envelope.
 */
@Injectable()
export class ResponseInterceptor implements NestInterceptor {
  private readonly defaultTimeoutMs: number;
  private readonly envelope: boolean;

  constructor(
    private readonly policies: RoutePolicies,
    private readonly context: RequestContextService,
    config: ConfigService<AllConfig, true>,
    @Inject(LEFT_OUT_LAYERS) leftOut: LeftOutLayers,
  ) {
    this.defaultTimeoutMs = config.getOrThrow('app', { infer: true }).requestTimeoutMs;
    this.envelope = !leftOut.has('responseEnvelope');
  }

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const policy = this.policies.of(ctx);
    const http = ctx.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const response = http.getResponse<Response>();
    const personalOrWrite = request.principal !== undefined || (request.method !== 'GET' && request.method !== 'HEAD');
    response.setHeader('Cache-Control', personalOrWrite ? 'private, no-store' : 'no-cache');
    refuseUnknownQuery(request, policy);

    const shaped = next.handle().pipe(map((body: unknown) => this.shape(body, policy, request, response)));
    const ms = policy.timeoutMs ?? this.defaultTimeoutMs;
    return ms > 0 ? this.withinBudget(shaped, ms) : shaped;
  }

  private shape(body: unknown, policy: RoutePolicy, request: Request, response: Response): unknown {
    let result = body;
    if (policy.conditionalGet) {
      const etag = body instanceof SerializedJson ? body.etag : strongEtag(body);
      response.setHeader('ETag', etag);
      response.setHeader('Cache-Control', policy.conditionalGet.cacheControl);
      if (ifNoneMatchHits(request.headers['if-none-match'], etag)) {
        response.status(HttpStatus.NOT_MODIFIED);
        result = undefined;
      }
    }
    if (result instanceof SerializedJson) return sendAsItIs(result, this.envelope && !policy.raw, response);
    return this.envelope && !policy.raw ? wrap(result, response.statusCode) : result;
  }

  private withinBudget(result: Observable<unknown>, ms: number): Observable<unknown> {
    const controller = new AbortController();
    this.context.setSignal(controller.signal);
    return result.pipe(
      timeout(ms),
      catchError((error: unknown) => {
        if (!(error instanceof TimeoutError)) return throwError(() => error);
        controller.abort(new Error(`request exceeded ${ms} ms`));
        return throwError(() => new DependencyUnavailableException('request-timeout', { cause: error }));
      }),
    );
  }
}

function refuseUnknownQuery(request: Request, policy: RoutePolicy): void {
  if (policy.query.dto) return; // the validation pipe's whitelist knows the DTO's properties
  const unknown = Object.keys(request.query).filter((name) => !policy.query.names.includes(name));
  if (unknown.length === 0) return;
  throw new ValidationException(
    unknown.map((name) => ({ loc: ['query', name], msg: `property ${name} should not exist`, type: 'unknown_field' })),
  );
}

/**
 * JSON serialised earlier (a cached payload): the envelope is written around its text, so the
 * bytes are sent without being parsed and serialised again. Same bytes as `wrap` + `res.json`.
 */
function sendAsItIs(body: SerializedJson, envelope: boolean, response: Response): string | undefined {
  if (hasNoBody(response.statusCode)) return undefined;
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  return envelope ? `{"success":true,"data":${body.json}}` : body.json;
}

function wrap(body: unknown, status: number): SuccessEnvelope<unknown> | undefined {
  if (hasNoBody(status)) return undefined;
  if (body instanceof Paginated) {
    const page = body as Paginated<unknown, object>;
    return { success: true, data: page.items, meta: page.meta };
  }
  return { success: true, data: body ?? null };
}

/** 204 and 304 responses carry no body, so no envelope either. */
function hasNoBody(status: number): boolean {
  return status === HttpStatus.NO_CONTENT || status === HttpStatus.NOT_MODIFIED;
}
