import type { IncomingMessage, ServerResponse } from 'node:http';

import type { NextFunction, Request, RequestHandler, Response } from 'express';
import onHeaders from 'on-headers';

import { assignRequestId } from '../context/request-id';

const RESPONSE_TIME_HEADER = 'X-Response-Time';

/** What records a request's outcome (the HTTP metrics); absent when the benchmark leaves metrics out. */
export interface RequestMeter {
  /** Whether `url` (path and query) is measured at all. */
  measures(url: string): boolean;
  started(method: string): void;
  finished(req: IncomingMessage, res: ServerResponse, seconds: number): void;
}

export interface ObservationOptions {
  readonly meter?: RequestMeter;
  /** Headers every response carries (the security headers), computed once at start-up. */
  readonly fixedHeaders: ReadonlyArray<readonly [string, string]>;
}

/**
 * The first middleware, and the only one that observes: the request id, the fixed headers, the
 * `X-Response-Time` header (set as the headers are written) and the HTTP metrics (when the
 * response closes), from one clock reading. One middleware instead of four keeps the Express
 * chain short (docs/decisions/0032); it runs before everything else, so it measures everything
 * after it, 404s and body-parser rejections included. The request log line is pino-http's.
 */
export function observeRequests({ meter, fixedHeaders }: ObservationOptions): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = performance.now();
    assignRequestId(req, res);
    for (const [name, value] of fixedHeaders) res.setHeader(name, value);
    onHeaders(res, () => res.setHeader(RESPONSE_TIME_HEADER, `${(performance.now() - started).toFixed(1)}ms`));
    if (meter?.measures(req.url)) {
      const method = req.method;
      meter.started(method);
      res.once('close', () => meter.finished(req, res, (performance.now() - started) / 1000));
    }
    next();
  };
}
