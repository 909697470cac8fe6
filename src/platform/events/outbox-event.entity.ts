import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

import type { EventContext } from './domain-event';

/**
 * An event written in the same transaction as the change that raised it. A row is "pending"
 * until its handlers have it (in-process: all settled; queue: all enqueued), then "dispatched".
 */
@Entity({ name: 'outbox_events' })
@Index('ix_outbox_events_pending', ['occurredAt'], { where: '"dispatched_at" IS NULL' })
export class OutboxEvent {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'jsonb' })
  payload: unknown;

  @Column({ type: 'jsonb' })
  context: EventContext;

  @Column({ type: 'timestamptz', precision: 3 })
  occurredAt: Date;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  dispatchedAt: Date | null;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  /** A dispatcher's lease on the row, so replicas polling at once do not take the same rows. */
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  claimedUntil: Date | null;

  @Column({ type: 'text', nullable: true })
  lastError: string | null;
}
