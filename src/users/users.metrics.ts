import { Injectable } from '@nestjs/common';
import type { Counter } from 'prom-client';

import { MetricsRegistry } from '../platform/metrics/metrics-registry';

/** Sign-ups, by outcome: a business counter, and a conflict spike hints at account enumeration. */
@Injectable()
export class UsersMetrics {
  readonly registrations: Counter<'result'>;

  constructor(registry: MetricsRegistry) {
    this.registrations = registry.counter({
      name: 'user_registrations_total',
      help: 'Account registrations, by result (created, conflict)',
      labelNames: ['result'],
    });
  }
}
