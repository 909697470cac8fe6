import { Injectable, Logger } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';

import { RequestContextService } from '../../common/context/request-context.service';
import { TransactionRunner } from '../database/transaction-runner';
import { withSpanFrom } from '../tracing/tracing';
import type { DomainEvent } from './domain-event';
import { EventDeliveriesRepository } from './event-deliveries.repository';
import type { RegisteredHandler } from './event-handler.registry';
import { EventsMetrics } from './events.metrics';

export type DeliveryOutcome = 'handled' | 'duplicate' | 'filtered';

/** The records of a plain handler's delivery, written with what it published. */
const PROCESSED = Symbol('processedEvents');

/**
 * Runs one handler on one event, the same way for every transport: in the context of the
 * request that raised it (its request id in every log line), measured, and idempotently — a
 * transactional handler commits its effects together with the record that it saw the event, so
 * a redelivery is skipped. Throws when the handler fails; the transport decides about retries.
 */
@Injectable()
export class HandlerRunner {
  private readonly logger = new Logger(HandlerRunner.name);

  constructor(
    private readonly deliveries: EventDeliveriesRepository,
    private readonly transactions: TransactionRunner,
    private readonly context: RequestContextService,
    private readonly pino: PinoLogger,
    private readonly metrics: EventsMetrics,
  ) {}

  /**
   * `firstDelivery`: this is the first run of the delivery its publisher started right after
   * committing the event (no retry, no redelivery by the poller), so no handler can have seen it
   * yet and a plain handler's check for a previous delivery is skipped.
   */
  deliver(
    event: DomainEvent,
    handler: RegisteredHandler,
    attempt: number,
    firstDelivery = false,
  ): Promise<DeliveryOutcome> {
    if (handler.options.filter && !handler.options.filter(event)) return Promise.resolve('filtered');
    const bindings = {
      requestId: event.context.requestId,
      userId: event.context.userId,
      eventId: event.id,
      event: event.name,
      handler: handler.id,
    };
    const span = {
      'event.name': event.name,
      'event.id': event.id,
      'event.handler': handler.id,
      'event.attempt': String(attempt),
    };
    return withSpanFrom(event.context.traceparent, `event ${event.name} ${handler.id}`, span, () =>
      this.context.run({ requestId: event.context.requestId }, () =>
        this.pino.runInContext(() => this.measured(event, handler, attempt, firstDelivery), { bindings }),
      ),
    );
  }

  /** Records the event as unhandleable by this handler; it is not retried again. */
  async deadLetter(event: DomainEvent, handler: RegisteredHandler, error: unknown, attempts: number): Promise<void> {
    this.metrics.deadLettered.inc({ event: event.name, handler: handler.id });
    this.logger.error(
      { eventId: event.id, event: event.name, handler: handler.id, attempts, err: error },
      'Event moved to the dead-letter table',
    );
    await this.deliveries.addDeadLetter(event, handler.id, errorText(error), attempts);
  }

  private async measured(
    event: DomainEvent,
    handler: RegisteredHandler,
    attempt: number,
    firstDelivery: boolean,
  ): Promise<DeliveryOutcome> {
    const labels = { event: event.name, handler: handler.id };
    if (attempt === 1)
      this.metrics.deliveryLag.observe({ event: event.name }, (Date.now() - Date.parse(event.occurredAt)) / 1000);
    const stop = this.metrics.handlerDuration.startTimer(labels);
    try {
      return await (handler.options.transactional === false
        ? this.runPlain(event, handler, firstDelivery)
        : this.runTransactional(event, handler));
    } catch (error) {
      this.metrics.handlerErrors.inc(labels);
      this.logger.warn({ attempt, err: errorText(error) }, 'Event handler failed');
      throw error;
    } finally {
      stop();
    }
  }

  private runTransactional(event: DomainEvent, handler: RegisteredHandler): Promise<DeliveryOutcome> {
    return this.transactions.run(async () => {
      if (!(await this.deliveries.markProcessed(event.id, handler.id))) return 'duplicate';
      await handler.invoke(event);
      return 'handled';
    });
  }

  /**
   * For handlers that must not hold a transaction (external calls); they guard with state checks
   * too. What the handler writes through deferred batches (the events it publishes) and the record
   * that it applied this event are written together when it returns, in one statement: a crash
   * leaves both or neither, so a redelivery is skipped exactly when the handler's outcome is on record.
   */
  private async runPlain(
    event: DomainEvent,
    handler: RegisteredHandler,
    firstDelivery: boolean,
  ): Promise<DeliveryOutcome> {
    if (!firstDelivery && (await this.deliveries.isProcessed(event.id, handler.id))) return 'duplicate';
    await this.transactions.gather(async () => {
      await handler.invoke(event);
      await this.transactions.batchBeforeCommit(PROCESSED, { eventId: event.id, handler: handler.id }, (records) =>
        this.deliveries.processedInsertion(records),
      );
    });
    return 'handled';
  }
}

export function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
