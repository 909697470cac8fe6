import { Injectable } from '@nestjs/common';
import type { Counter, Histogram } from 'prom-client';

import { MetricsRegistry } from '../metrics/metrics-registry';

@Injectable()
export class RateLimitMetrics {
  readonly checks: Counter<'throttler' | 'result'>;
  readonly exceeded: Counter<'throttler' | 'route'>;
  readonly storageErrors: Counter<'mode'>;
  readonly checkDuration: Histogram<'backend'>;

  constructor(registry: MetricsRegistry) {
    this.checks = registry.counter({
      name: 'rate_limiting_checks_total',
      help: 'Rate-limit checks by named limit and result (allowed, limited)',
      labelNames: ['throttler', 'result'],
    });
    this.exceeded = registry.counter({
      name: 'rate_limit_exceeded_total',
      help: 'Requests answered 429, by named limit and route template',
      labelNames: ['throttler', 'route'],
    });
    this.storageErrors = registry.counter({
      name: 'rate_limit_storage_errors_total',
      help: 'Rate-limit checks the shared store could not answer (mode: fail_open counted locally, fail_closed answered 503)',
      labelNames: ['mode'],
    });
    this.checkDuration = registry.histogram({
      name: 'rate_limiting_check_duration_seconds',
      help: 'Time to check one limit',
      labelNames: ['backend'],
      buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
    });
  }
}
