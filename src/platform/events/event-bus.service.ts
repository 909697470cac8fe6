import { Injectable, Logger } from '@nestjs/common';

import { RequestContextService } from '../../common/context/request-context.service';
import { TransactionRunner } from '../database/transaction-runner';
import { currentTraceparent } from '../tracing/tracing';
import type { DomainEvent, EventContext, EventType } from './domain-event';
import { EventsMetrics } from './events.metrics';
import { OutboxDispatcher } from './outbox.dispatcher';
import { OutboxRepository } from './outbox.repository';

/**
 * Publishes domain events. Inside a unit of work the event is written to the outbox in the same
 * transaction as the change, and dispatched after the commit (never for a rollback); outside
 * one it is written and dispatched at once. Publishing never waits for handlers.
 *
 *   await this.events.publish(OrderCreated, { orderId, userId, totalCents });
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
  ) {}

  async publish<P>(type: EventType<P>, payload: P): Promise<DomainEvent<P>> {
    const event = type.create(payload, this.currentContext());
    await this.outbox.add(event);
    this.metrics.published.inc({ event: event.name });
    this.logger.debug({ eventId: event.id, event: event.name }, 'Event published');
    await this.transactions.afterCommit(() => {
      // Not awaited: handlers run on their own time; the outbox row keeps the event safe meanwhile.
      void this.dispatcher.dispatchCommitted([event]);
      return Promise.resolve();
    });
    return event;
  }

  private currentContext(): EventContext {
    return { requestId: this.context.requestId, userId: this.context.userId, traceparent: currentTraceparent() };
  }
}
