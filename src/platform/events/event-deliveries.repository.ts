import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';

import type { DeferredStatement } from '../database/transaction-runner';
import { DeadLetterEvent } from './dead-letter-event.entity';
import type { DomainEvent } from './domain-event';
import { ProcessedEvent } from './processed-event.entity';

/** Which handlers have applied which events, and the events that could not be handled. */
@Injectable()
export class EventDeliveriesRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** Records that `handler` applied the event; false when it already had (a redelivery). */
  async markProcessed(eventId: string, handler: string): Promise<boolean> {
    const result = await this.txHost.tx
      .createQueryBuilder()
      .insert()
      .into(ProcessedEvent)
      .values({ eventId, handler })
      .orIgnore()
      .returning(['eventId'])
      .execute();
    return (result.raw as unknown[]).length > 0;
  }

  /** The INSERT recording that handlers applied events (repeats ignored), for a unit to write with its other rows. */
  processedInsertion(records: ReadonlyArray<{ eventId: string; handler: string }>): DeferredStatement {
    const [sql, parameters] = this.txHost.tx
      .createQueryBuilder()
      .insert()
      .into(ProcessedEvent)
      .values([...records])
      .orIgnore()
      .updateEntity(false)
      .getQueryAndParameters();
    return { sql, parameters };
  }

  async isProcessed(eventId: string, handler: string): Promise<boolean> {
    return this.txHost.tx.getRepository(ProcessedEvent).existsBy({ eventId, handler });
  }

  async addDeadLetter(event: DomainEvent, handler: string, error: string, attempts: number): Promise<void> {
    await this.txHost.tx.getRepository(DeadLetterEvent).insert({
      eventId: event.id,
      eventName: event.name,
      handler,
      payload: event.payload as object,
      context: event.context,
      error: error.slice(0, 4000),
      attempts,
    });
  }
}
