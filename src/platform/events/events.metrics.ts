import { Injectable } from '@nestjs/common';
import type { Counter, Histogram } from 'prom-client';

import { MetricsRegistry } from '../metrics/metrics-registry';

/** Event metrics by event name and handler (`Class.method`), never by event id. */
@Injectable()
export class EventsMetrics {
  readonly published: Counter<'event'>;
  readonly handlerErrors: Counter<'event' | 'handler'>;
  readonly handlerDuration: Histogram<'event' | 'handler'>;
  readonly deadLettered: Counter<'event' | 'handler'>;
  readonly deliveryLag: Histogram<'event'>;
  readonly dispatchFailures: Counter<'transport'>;
  readonly queueConnectionErrors: Counter<'client'>;
  readonly outageDeferrals: Counter<'event' | 'handler'>;
  readonly deadLetterWriteFailures: Counter<'event' | 'handler'>;

  constructor(registry: MetricsRegistry) {
    this.published = registry.counter({
      name: 'events_published_total',
      help: 'Domain events published (written to the outbox)',
      labelNames: ['event'],
    });
    this.handlerErrors = registry.counter({
      name: 'event_handler_errors_total',
      help: 'Failed handler attempts',
      labelNames: ['event', 'handler'],
    });
    this.handlerDuration = registry.histogram({
      name: 'event_handler_duration_seconds',
      help: 'Time a handler took, successful or not',
      labelNames: ['event', 'handler'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    });
    this.deadLettered = registry.counter({
      name: 'events_dead_lettered_total',
      help: 'Events a handler gave up on after every attempt',
      labelNames: ['event', 'handler'],
    });
    this.deliveryLag = registry.histogram({
      name: 'event_delivery_lag_seconds',
      help: 'From publication to a handler starting on the event',
      labelNames: ['event'],
      buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    });
    this.dispatchFailures = registry.counter({
      name: 'outbox_dispatch_failures_total',
      help: 'Outbox batches that could not be handed to the transport (retried by the poller)',
      labelNames: ['transport'],
    });
    this.queueConnectionErrors = registry.counter({
      name: 'events_queue_connection_errors_total',
      help: 'Errors on the queue connections to Redis, by client (producer, worker); both reconnect by themselves',
      labelNames: ['client'],
    });
    this.outageDeferrals = registry.counter({
      name: 'events_deferred_for_outage_total',
      help: 'Deliveries put back on the queue because the database was unreachable (no attempt used)',
      labelNames: ['event', 'handler'],
    });
    this.deadLetterWriteFailures = registry.counter({
      name: 'events_dead_letter_write_failures_total',
      help: 'Events that exhausted their attempts but could not be written to the dead-letter table (left in the failed queue)',
      labelNames: ['event', 'handler'],
    });
  }
}
