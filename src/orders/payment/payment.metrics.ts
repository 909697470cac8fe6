import { Injectable } from '@nestjs/common';
import type { Counter, Gauge, Histogram } from 'prom-client';

import { MetricsRegistry } from '../../platform/metrics';

export const CIRCUIT_STATE_VALUE = { closed: 0, halfOpen: 1, open: 2, isolated: 3 } as const;

@Injectable()
export class PaymentMetrics {
  readonly outcomes: Counter<'outcome'>;
  readonly duration: Histogram<'outcome'>;
  readonly circuitState: Gauge<'circuit'>;
  readonly circuitTransitions: Counter<'circuit' | 'state'>;

  constructor(registry: MetricsRegistry) {
    this.outcomes = registry.counter({
      name: 'payment_charges_total',
      help: 'Charges by outcome (succeeded, declined, timeout, circuit_open, provider_error; refunded, refund_failed)',
      labelNames: ['outcome'],
    });
    this.duration = registry.histogram({
      name: 'payment_charge_duration_seconds',
      help: 'Time to settle a charge, retries included',
      labelNames: ['outcome'],
      buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    });
    this.circuitState = registry.gauge({
      name: 'circuit_breaker_state',
      help: 'Circuit state: 0 closed, 1 half-open, 2 open, 3 isolated',
      labelNames: ['circuit'],
    });
    this.circuitTransitions = registry.counter({
      name: 'circuit_breaker_transitions_total',
      help: 'Circuit state changes, by the state entered',
      labelNames: ['circuit', 'state'],
    });
  }
}
