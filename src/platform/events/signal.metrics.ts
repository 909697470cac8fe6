import { Injectable } from '@nestjs/common';
import type { Counter } from 'prom-client';

import { MetricsRegistry } from '../metrics/metrics-registry';

/** Events signalled with EventBus.signal (best-effort, no outbox row), by name. */
@Injectable()
export class SignalMetrics {
  readonly signalled: Counter<'event'>;

  constructor(registry: MetricsRegistry) {
    this.signalled = registry.counter({
      name: 'events_signalled_total',
      help: 'Best-effort events signalled (security telemetry: delivered in-process, no outbox row)',
      labelNames: ['event'],
    });
  }
}
