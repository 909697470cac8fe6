import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { In, IsNull, type Repository } from 'typeorm';

import type { DeferredStatement } from '../database/transaction-runner';
import type { DomainEvent } from './domain-event';
import { OutboxEvent } from './outbox-event.entity';

/** The outbox table: written inside the publisher's transaction, drained by the dispatcher. */
@Injectable()
export class OutboxRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  private get rows(): Repository<OutboxEvent> {
    return this.txHost.tx.getRepository(OutboxEvent);
  }

  /**
   * The INSERT for all of `events`, for the publishing unit to write with its other rows. Those in
   * `pending` are written already leased for `leaseMs` to the publisher, which dispatches them once
   * committed: no claim to take after the commit, and the poller leaves them alone meanwhile. The
   * others (no handler subscribes to them) are written as dispatched: the poller never picks them up.
   */
  insertion(events: readonly DomainEvent[], pending: ReadonlySet<string>, leaseMs: number): DeferredStatement {
    const lease = () => `clock_timestamp() + interval '${Math.trunc(leaseMs)} milliseconds'`;
    const [sql, parameters] = this.rows
      .createQueryBuilder()
      .insert()
      .into(OutboxEvent)
      .values(
        events.map((event) => ({
          id: event.id,
          name: event.name,
          payload: event.payload as object,
          context: event.context,
          occurredAt: new Date(event.occurredAt),
          dispatchedAt: pending.has(event.id) ? null : new Date(event.occurredAt),
          claimedUntil: pending.has(event.id) ? lease : null,
        })),
      )
      .updateEntity(false)
      .getQueryAndParameters();
    return { sql, parameters };
  }

  /**
   * Leases the oldest rows that were committed at least `graceMs` ago and are still pending
   * (their publisher died before dispatching, or delivery failed). SKIP LOCKED lets replicas poll
   * at the same time without waiting for, or taking, each other's rows.
   */
  async claimStale(limit: number, graceMs: number, leaseMs: number): Promise<OutboxEvent[]> {
    const rows: unknown = await this.rows.query(
      `UPDATE outbox_events SET claimed_until = now() + ($3 || ' milliseconds')::interval, attempts = attempts + 1
        WHERE id IN (
          SELECT id FROM outbox_events
           WHERE dispatched_at IS NULL
             AND occurred_at < now() - ($2 || ' milliseconds')::interval
             AND (claimed_until IS NULL OR claimed_until < now())
           ORDER BY occurred_at
           LIMIT $1
           FOR UPDATE SKIP LOCKED)
        RETURNING id, name, payload, context, occurred_at AS "occurredAt"`,
      [limit, String(graceMs), String(leaseMs)],
    );
    return (rows as [OutboxEvent[], number])[0];
  }

  async markDispatched(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.rows.update(
      { id: In([...ids]), dispatchedAt: IsNull() },
      { dispatchedAt: new Date(), claimedUntil: null, lastError: null },
    );
  }

  /** Releases the lease so a later poll retries the rows. */
  async recordFailure(ids: readonly string[], error: string): Promise<void> {
    if (ids.length === 0) return;
    await this.rows.update({ id: In([...ids]) }, { claimedUntil: null, lastError: error.slice(0, 2000) });
  }

  /** How many rows are still pending and how old the oldest is (0 when none), over the pending index. */
  async backlog(): Promise<{ pending: number; oldestAgeSeconds: number }> {
    const [row] = await this.rows.query<Array<{ pending: number; oldestAgeSeconds: number }>>(
      `SELECT count(*)::int AS pending,
              coalesce(extract(epoch FROM now() - min(occurred_at)), 0)::float8 AS "oldestAgeSeconds"
         FROM outbox_events WHERE dispatched_at IS NULL`,
    );
    return row;
  }
}
