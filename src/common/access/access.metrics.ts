import { Injectable } from '@nestjs/common';
import type { Counter } from 'prom-client';

import { MetricsRegistry } from '../../platform/metrics/metrics-registry';

/** Access decisions: every check by result, and denials by what was missing (never by user or resource id). */
@Injectable()
export class AccessMetrics {
  readonly checks: Counter<'result'>;
  readonly denials: Counter<'permission'>;

  constructor(registry: MetricsRegistry) {
    this.checks = registry.counter({
      name: 'permission_checks_total',
      help: 'Route and object-level permission checks, by result (allowed, denied)',
      labelNames: ['result'],
    });
    this.denials = registry.counter({
      name: 'permission_denied_total',
      help: 'Denied permission checks, by the permission (or role) that was missing',
      labelNames: ['permission'],
    });
  }
}
