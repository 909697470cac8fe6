import { Injectable } from '@nestjs/common';
import type { Counter, Histogram } from 'prom-client';

import { MetricsRegistry } from '../metrics/metrics-registry';

/** Cache hits, misses, errors and latency, by backend and key prefix (never by full key). */
@Injectable()
export class CacheMetrics {
  readonly hits: Counter<'backend' | 'prefix'>;
  readonly misses: Counter<'backend' | 'prefix'>;
  readonly errors: Counter<'backend' | 'prefix' | 'operation'>;
  readonly duration: Histogram<'backend' | 'operation'>;

  constructor(registry: MetricsRegistry) {
    this.hits = registry.counter({
      name: 'cache_hits_total',
      help: 'Cache reads that found a fresh entry',
      labelNames: ['backend', 'prefix'],
    });
    this.misses = registry.counter({
      name: 'cache_misses_total',
      help: 'Cache reads that found nothing usable',
      labelNames: ['backend', 'prefix'],
    });
    this.errors = registry.counter({
      name: 'cache_errors_total',
      help: 'Cache operations that failed or timed out (served as misses)',
      labelNames: ['backend', 'prefix', 'operation'],
    });
    this.duration = registry.histogram({
      name: 'cache_operation_duration_seconds',
      help: 'Cache operation latency',
      labelNames: ['backend', 'operation'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5],
    });
  }
}
