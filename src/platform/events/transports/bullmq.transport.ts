import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Queue } from 'bullmq';

import type { AllConfig } from '../../../config';
import type { DomainEvent } from '../domain-event';
import { EventHandlerRegistry } from '../event-handler.registry';
import { EventsMetrics } from '../events.metrics';
import type { EventTransport } from './event-transport';
import { QueueConnectionErrors } from './queue-connection-errors';

export const DOMAIN_EVENTS_QUEUE = 'domain-events';

/** One queued job: deliver `event` to the handler `handlerId`. */
export interface DeliveryJob {
  readonly event: DomainEvent;
  readonly handlerId: string;
  /** Queued by the publisher right after its commit (EventTransport.deliver); false once deferred. */
  readonly firstDelivery?: boolean;
}

/**
 * Events go through a durable BullMQ queue in Redis: one job per (event, handler), so every
 * replica's workers share the work, each job is taken by one worker, failures are retried with
 * exponential backoff per handler, and a job that keeps failing ends in the dead-letter table.
 * The job id is derived from the event and handler, so a second dispatch of the same event
 * (the poller racing the publisher) does not create a second job while the first exists.
 */
@Injectable()
export class BullMqTransport implements EventTransport, OnApplicationShutdown {
  readonly name = 'bullmq';
  private readonly maxAttempts: number;
  private readonly retryBaseMs: number;
  private readonly logger = new Logger(BullMqTransport.name);
  private readonly connectionErrors: QueueConnectionErrors;

  constructor(
    @InjectQueue(DOMAIN_EVENTS_QUEUE) private readonly queue: Queue<DeliveryJob>,
    private readonly registry: EventHandlerRegistry,
    metrics: EventsMetrics,
    config: ConfigService<AllConfig, true>,
  ) {
    const events = config.getOrThrow('events', { infer: true });
    this.maxAttempts = events.maxAttempts;
    this.retryBaseMs = events.retryBaseMs;
    // A failed publish is already handled (the outbox row stays pending for the poller).
    this.connectionErrors = new QueueConnectionErrors('producer', metrics, this.logger);
    queue.on('error', (error: Error) => this.connectionErrors.report(error));
  }

  async deliver(events: readonly DomainEvent[], firstDelivery = false): Promise<void> {
    const jobs = events.flatMap((event) =>
      this.registry.handlersFor(event.name).map((handler) => ({
        name: event.name,
        data: { event, handlerId: handler.id, firstDelivery },
        opts: {
          jobId: `${event.id}.${handler.id}`,
          attempts: handler.options.maxAttempts ?? this.maxAttempts,
          backoff: { type: 'exponential', delay: this.retryBaseMs },
          removeOnComplete: { age: 24 * 3600, count: 10_000 },
          removeOnFail: { age: 7 * 24 * 3600 },
        },
      })),
    );
    if (jobs.length === 0) return;
    await this.queue.addBulk(jobs);
    this.connectionErrors.recovered();
  }

  /** Nothing is in flight on the producing side once addBulk has returned. */
  async drain(): Promise<void> {}

  /**
   * Ends the producer's connection even when Redis was away at shutdown. BullMQ closes the queue
   * with QUIT, which a connection without an offline queue refuses while it is reconnecting;
   * BullMQ then rejects, and the client, never ended, reconnects for ever and holds the process
   * open (a Jest worker after the rate-limit outage suite: "failed to exit gracefully"). Joins
   * the close @nestjs/bullmq starts, whichever runs first; a client BullMQ did end is left alone.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.queue.close().catch(() => undefined);
    const client = await this.queue.getBackend().client;
    if (client.status !== 'end') client.disconnect();
  }

  /** The queue's jobs by state, shared by every replica (workers that fall behind show as waiting). */
  backlog(): Promise<Record<string, number>> {
    return this.queue.getJobCounts(...QUEUE_STATES);
  }
}

/** The job states reported as `events_queue_jobs{state}`. */
const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
