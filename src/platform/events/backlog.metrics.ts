import { Inject, Injectable, Logger } from '@nestjs/common';

import { MetricsRegistry } from '../metrics/metrics-registry';
import { RedisCircuit } from '../redis/redis-circuit';
import { errorText } from './handler-runner';
import { OutboxRepository } from './outbox.repository';
import { EVENT_TRANSPORT, type EventTransport } from './transports/event-transport';

/**
 * Work that is waiting, measured when /metrics is scraped: outbox rows not yet handed to the
 * transport, and (with Redis) queued jobs by state. Without these a stalled dispatcher or a worker
 * Deployment scaled to zero would be silent: the counters only move when something is handled.
 * A failed measurement keeps the last value and counts `metrics_collection_errors_total`, so
 * /metrics itself still answers while the database or Redis is down; the queue is asked under
 * RedisCircuit's deadline, since the queue's connection waits for a hung Redis indefinitely.
 */
@Injectable()
export class BacklogMetrics {
  private readonly logger = new Logger(BacklogMetrics.name);

  constructor(
    registry: MetricsRegistry,
    private readonly outbox: OutboxRepository,
    @Inject(EVENT_TRANSPORT) private readonly transport: EventTransport,
    private readonly circuit: RedisCircuit,
  ) {
    const errors = registry.counter({
      name: 'metrics_collection_errors_total',
      help: 'Scrape-time measurements that failed (the metric keeps its last value)',
      labelNames: ['metric'],
    });
    const guarded = (metric: string, measure: () => Promise<void>) => async () => {
      try {
        await measure();
      } catch (error) {
        errors.inc({ metric });
        this.logger.warn(
          { metric, err: errorText(error) },
          'Could not measure a backlog metric; keeping the last value',
        );
      }
    };
    // One query sets both gauges. Metrics are collected concurrently, so each gauge's collect joins
    // the measurement in flight instead of reading a value the other has not set yet.
    const measureOutbox = joinInFlight(
      guarded('outbox', async () => {
        const backlog = await this.outbox.backlog();
        pending.set(backlog.pending);
        oldest.set(backlog.oldestAgeSeconds);
      }),
    );
    const pending = registry.gauge({
      name: 'outbox_pending_events',
      help: 'Outbox rows not yet dispatched',
      collect: measureOutbox,
    });
    const oldest = registry.gauge({
      name: 'outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest outbox row not yet dispatched (0 when none)',
      collect: measureOutbox,
    });
    const queued = registry.gauge({
      name: 'events_queue_jobs',
      help: 'Jobs in the domain-events queue by state (the same queue seen from every replica)',
      labelNames: ['state'],
      collect: guarded('queue', async () => {
        for (const [state, count] of Object.entries(await this.queueBacklog())) queued.set({ state }, count);
      }),
    });
  }

  private queueBacklog(): Promise<Record<string, number>> {
    return this.transport.name === IN_PROCESS
      ? this.transport.backlog()
      : this.circuit.run(() => this.transport.backlog());
  }
}

/** The transport that needs no Redis (its backlog is answered in process). */
const IN_PROCESS = 'in-process';

/** Wraps `run` so calls made while one is in flight share it rather than starting another. */
function joinInFlight(run: () => Promise<void>): () => Promise<void> {
  let inFlight: Promise<void> | undefined;
  return () => (inFlight ??= run().finally(() => (inFlight = undefined)));
}
