import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Counter, Gauge, Histogram } from 'prom-client';

import { routeTemplateOf } from '../../common/http/route-template';
import { MetricsRegistry } from './metrics-registry';

const UNMEASURED_PATHS = new Set(['/metrics']);
/** The route label of requests the HTTP parser refused. */
const UNPARSED_ROUTE = 'unparsed';

/**
 * HTTP request metrics, labelled by method, route template (never the raw path, so ids cannot
 * explode the series count) and status; error responses also by their stable error code.
 */
@Injectable()
export class HttpMetrics {
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly duration: Histogram<'method' | 'route' | 'status'>;
  private readonly inProgress: Gauge<'method'>;
  private readonly errors: Counter<'route' | 'code'>;

  constructor(registry: MetricsRegistry) {
    this.requests = registry.counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered',
      labelNames: ['method', 'route', 'status'],
    });
    this.duration = registry.histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from the first byte of a request to the end of its response',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    });
    this.inProgress = registry.gauge({
      name: 'http_requests_in_progress',
      help: 'HTTP requests being handled',
      labelNames: ['method'],
    });
    this.errors = registry.counter({
      name: 'http_errors_total',
      help: 'Error responses by error code',
      labelNames: ['route', 'code'],
    });
  }

  /** A request Node's HTTP parser refused before Express saw it (no method or route to label it by). */
  countParserRefusal(status: number, code: string): void {
    this.requests.inc({ method: 'unknown', route: UNPARSED_ROUTE, status: String(status) });
    this.errors.inc({ route: UNPARSED_ROUTE, code });
  }

  /** Express middleware measuring every request, including 404s and body-parser rejections. */
  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    if (UNMEASURED_PATHS.has(req.path)) return next();
    const started = process.hrtime.bigint();
    const method = req.method;
    this.inProgress.inc({ method });
    res.once('close', () => {
      this.inProgress.dec({ method });
      const labels = { method, route: routeTemplateOf(req, res), status: String(res.statusCode) };
      this.requests.inc(labels);
      this.duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
      const code = (res.locals as { errorCode?: string }).errorCode;
      if (code) this.errors.inc({ route: labels.route, code });
    });
    next();
  };
}
