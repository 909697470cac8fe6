import { Injectable, Logger } from '@nestjs/common';

import { RequestContextService } from '../../common/context/request-context.service';
import { type DeferredStatement, TransactionRunner } from '../database/transaction-runner';
import { currentTraceparent } from '../tracing/tracing';
import type { DomainEvent, EventContext, EventType } from './domain-event';
import { EventHandlerRegistry } from './event-handler.registry';
import { EventsMetrics } from './events.metrics';
import { OutboxDispatcher } from './outbox.dispatcher';
import { OutboxRepository } from './outbox.repository';
import { SignalMetrics } from './signal.metrics';

/** The events a transaction publishes, written to the outbox together. */
const OUTBOX_BATCH = Symbol('outboxBatch');

/**
 * Publishes domain events. Inside a unit of work the events are written to the outbox in the same
 * transaction as the change (one INSERT for all of them at the end of its work, in the statement
 * that writes the unit's other deferred rows) and dispatched
 * together after the commit (never for a rollback); outside one an event is written and
 * dispatched at once. Publishing never waits for handlers. An event no handler subscribes to is
 * still recorded, but as already dispatched: there is nothing to deliver, so no claim, no
 * delivery and no second update (docs/decisions/0032).
 *
 *   await this.events.publish(OrderCreated, { orderId, userId, totalCents });
 *
 * Security telemetry (denials, failed passwords, token lifecycle) is `signal`led instead: not a
 * domain fact, raised on paths a client can trigger at will, and often inside a unit of work that
 * rolls back (docs/decisions/0019).
 */
@Injectable()
export class EventBus {
  private readonly logger = new Logger(EventBus.name);

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly dispatcher: OutboxDispatcher,
    private readonly transactions: TransactionRunner,
    private readonly context: RequestContextService,
    private readonly metrics: EventsMetrics,
    private readonly handlers: EventHandlerRegistry,
    private readonly signals: SignalMetrics,
  ) {}

  /**
   * Best-effort, non-transactional: no outbox row (so no database write a client could multiply,
   * and nothing lost when the surrounding transaction rolls back), delivered once to this
   * process's handlers after the current call returns, a failing handler logged and counted. For
   * events worth observing but not worth a guarantee; never for facts other slices act on.
   */
  signal<P>(type: EventType<P>, payload: P): DomainEvent<P> {
    const event = type.create(payload, this.currentContext());
    this.signals.signalled.inc({ event: event.name });
    // Not awaited: the caller (often a guard refusing the request) must not wait for observers.
    setImmediate(() => void this.deliverSignal(event));
    return event;
  }

  private async deliverSignal(event: DomainEvent): Promise<void> {
    for (const handler of this.handlers.handlersFor(event.name)) {
      try {
        await handler.invoke(event);
      } catch (error) {
        this.metrics.handlerErrors.inc({ event: event.name, handler: handler.id });
        this.logger.warn(
          { event: event.name, handler: handler.id, err: error instanceof Error ? error.message : String(error) },
          'Signal handler failed',
        );
      }
    }
  }

  async publish<P>(type: EventType<P>, payload: P): Promise<DomainEvent<P>> {
    const event = type.create(payload, this.currentContext());
    await this.transactions.batchBeforeCommit(OUTBOX_BATCH, event, (events) => this.write(events));
    this.metrics.published.inc({ event: event.name });
    this.logger.debug({ eventId: event.id, event: event.name }, 'Event published');
    return event;
  }

  /** At the end of the publishing unit: the rows to write with it, and their dispatch once committed. */
  private async write(events: DomainEvent[]): Promise<DeferredStatement> {
    const subscribed = events.filter((event) => this.handlers.handlersFor(event.name).length > 0);
    if (subscribed.length > 0) {
      await this.transactions.afterCommit(() => {
        // Not awaited: handlers run on their own time; the outbox rows keep the events safe meanwhile.
        void this.dispatcher.dispatchCommitted(subscribed);
        return Promise.resolve();
      });
    }
    return this.outbox.insertion(events, new Set(subscribed.map((event) => event.id)), this.dispatcher.leaseMs);
  }

  private currentContext(): EventContext {
    return { requestId: this.context.requestId, userId: this.context.userId, traceparent: currentTraceparent() };
  }
}
