import { Injectable } from '@nestjs/common';
import type { Counter, Histogram } from 'prom-client';

import { MetricsRegistry } from '../platform/metrics';

@Injectable()
export class OrdersMetrics {
  readonly placed: Counter<never>;
  readonly refused: Counter<'reason'>;
  readonly settled: Counter<'status'>;
  readonly sagaDuration: Histogram<'status'>;
  readonly idempotentReplays: Counter<never>;
  readonly outcomesIgnored: Counter<'outcome' | 'verdict'>;
  readonly contradictions: Counter<'outcome' | 'status'>;

  constructor(registry: MetricsRegistry) {
    this.placed = registry.counter({ name: 'orders_placed_total', help: 'Orders created (status pending)' });
    this.refused = registry.counter({
      name: 'orders_refused_total',
      help: 'Order placements refused, by reason (insufficient_stock, unknown_product, total_too_large)',
      labelNames: ['reason'],
    });
    this.settled = registry.counter({
      name: 'orders_settled_total',
      help: 'Orders that reached a final status',
      labelNames: ['status'],
    });
    this.sagaDuration = registry.histogram({
      name: 'order_saga_duration_seconds',
      help: 'From placement to a final status',
      labelNames: ['status'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    });
    this.idempotentReplays = registry.counter({
      name: 'orders_idempotent_replays_total',
      help: 'Placements answered from a stored Idempotency-Key response',
    });
    this.outcomesIgnored = registry.counter({
      name: 'orders_payment_outcomes_ignored_total',
      help: 'Payment outcomes that changed nothing: a repeat of the settled one, late after a cancellation, or for an unknown order',
      labelNames: ['outcome', 'verdict'],
    });
    this.contradictions = registry.counter({
      name: 'orders_payment_outcome_contradictions_total',
      help: 'Payment outcomes contradicting the settled order (left unchanged; any money taken is refunded): alert on any',
      labelNames: ['outcome', 'status'],
    });
  }
}
