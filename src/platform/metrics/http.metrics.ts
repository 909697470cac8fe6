import type { IncomingMessage, ServerResponse } from 'node:http';

import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import type { Counter, Gauge, Histogram } from 'prom-client';

import type { RequestMeter } from '../../common/http/observe-requests';
import { routeTemplateOf } from '../../common/http/route-template';
import { MetricsRegistry } from './metrics-registry';

/** The scrape itself is not traffic. */
const UNMEASURED_PATH = '/metrics';
/** The route label of requests the HTTP parser refused. */
const UNPARSED_ROUTE = 'unparsed';

/**
 * HTTP request metrics, labelled by method, route template (never the raw path, so ids cannot
 * explode the series count) and status; error responses also by their stable error code.
 */
@Injectable()
export class HttpMetrics implements RequestMeter {
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

  /** Every request but the scrape, including 404s and body-parser rejections (the observation middleware calls these). */
  measures(url: string): boolean {
    return !(
      url.startsWith(UNMEASURED_PATH) &&
      (url.length === UNMEASURED_PATH.length || url[UNMEASURED_PATH.length] === '?')
    );
  }

  started(method: string): void {
    this.inProgress.inc({ method });
  }

  finished(req: IncomingMessage, res: ServerResponse, seconds: number): void {
    const method = req.method ?? 'UNKNOWN';
    this.inProgress.dec({ method });
    const labels = { method, route: routeTemplateOf(req, res), status: String(res.statusCode) };
    this.requests.inc(labels);
    this.duration.observe(labels, seconds);
    const code = ((res as Response).locals as { errorCode?: string } | undefined)?.errorCode;
    if (code) this.errors.inc({ route: labels.route, code });
  }
}
