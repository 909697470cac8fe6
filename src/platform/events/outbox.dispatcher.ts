import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';

import type { AllConfig } from '../../config';
import { ShutdownCoordinator } from '../health/shutdown-coordinator';
import type { DomainEvent } from './domain-event';
import { EventsMetrics } from './events.metrics';
import { errorText } from './handler-runner';
import { OutboxRepository } from './outbox.repository';
import { EVENT_TRANSPORT, type EventTransport } from './transports/event-transport';

/** Rows younger than this are normally still being dispatched by their publisher. */
const GRACE_MS = 5_000;
const POLL_BATCH = 100;

/**
 * Moves committed outbox rows to the transport. The publisher's after-commit hook dispatches its
 * own events at once; a poller on every replica picks up rows left pending (a crash between
 * commit and dispatch, a transport error), so a committed event is never lost.
 */
@Injectable()
export class OutboxDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxDispatcher.name);
  private readonly pollIntervalMs: number;
  /** How long a dispatcher owns the rows it is delivering (its publisher's, or the poller's) before another may. */
  readonly leaseMs: number;
  private timer?: NodeJS.Timeout;
  private polling?: Promise<void>;
  private stopped = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly outbox: OutboxRepository,
    @Inject(EVENT_TRANSPORT) private readonly transport: EventTransport,
    private readonly metrics: EventsMetrics,
    private readonly shutdown: ShutdownCoordinator,
    config: ConfigService<AllConfig, true>,
  ) {
    const events = config.getOrThrow('events', { infer: true });
    this.pollIntervalMs = events.outboxPollIntervalMs;
    this.leaseMs = events.outboxLeaseMs;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.pollOnce(), this.pollIntervalMs);
    this.timer.unref();
    void this.pollOnce();
    this.shutdown.registerIntake('outbox-poller', () => this.stopPolling());
  }

  /** Lets deliveries in flight finish before connections close. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.stopPolling();
    // Dispatches of events committed just before the stop finish before the pool closes.
    await Promise.all(this.inFlight);
    await this.transport.drain();
  }

  /** No new poll starts (other replicas pick up what is left); resolves when the running one ends. */
  private async stopPolling(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.polling;
  }

  /**
   * Dispatches just-committed events (called, not awaited, from the publisher's after-commit
   * hook); their rows were written leased to this process (OutboxRepository.add). Never rejects:
   * when the database or the queue goes away between the commit and the dispatch, the rows stay
   * pending for the poller (an unhandled rejection would end the process); the failure is logged
   * and counted.
   */
  dispatchCommitted(events: readonly DomainEvent[]): Promise<void> {
    const dispatch = this.dispatch(events, true)
      .catch((error: unknown) => {
        this.metrics.dispatchFailures.inc({ transport: this.transport.name });
        this.logger.warn(
          { count: events.length, err: errorText(error) },
          'Could not dispatch committed events; the poller will retry',
        );
      })
      .finally(() => this.inFlight.delete(dispatch));
    this.inFlight.add(dispatch);
    return dispatch;
  }

  /** One pass over stale pending rows; returns how many were dispatched. For the timer and for tests. */
  pollOnce(): Promise<void> {
    if (this.stopped || this.polling) return this.polling ?? Promise.resolve();
    this.polling = this.pollBatch().finally(() => (this.polling = undefined));
    return this.polling;
  }

  private async pollBatch(): Promise<void> {
    try {
      const rows = await this.outbox.claimStale(POLL_BATCH, GRACE_MS, this.leaseMs);
      if (rows.length === 0) return;
      this.logger.log({ count: rows.length }, 'Dispatching outbox events left pending');
      await this.dispatch(
        rows.map((row) => ({ ...row, occurredAt: new Date(row.occurredAt).toISOString() })),
        false,
      );
    } catch (error) {
      this.logger.warn({ err: errorText(error) }, 'Outbox poll failed; will retry');
    }
  }

  private async dispatch(events: readonly DomainEvent[], firstDelivery: boolean): Promise<void> {
    if (events.length === 0) return;
    const ids = events.map((event) => event.id);
    try {
      await this.transport.deliver(events, firstDelivery);
      await this.outbox.markDispatched(ids);
    } catch (error) {
      this.metrics.dispatchFailures.inc({ transport: this.transport.name });
      this.logger.warn({ count: ids.length, err: errorText(error) }, 'Outbox dispatch failed; the poller will retry');
      await this.outbox.recordFailure(ids, errorText(error)).catch(() => undefined);
    }
  }
}
