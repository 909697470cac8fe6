import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

import type { EventContext } from './domain-event';

/** An event a handler kept failing on: kept for inspection and replay, never retried by itself. */
@Entity({ name: 'dead_letter_events' })
@Index('ix_dead_letter_events_failed_at', ['failedAt'])
export class DeadLetterEvent {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  eventId: string;

  @Column({ type: 'varchar', length: 100 })
  eventName: string;

  @Column({ type: 'varchar', length: 200 })
  handler: string;

  @Column({ type: 'jsonb' })
  payload: unknown;

  @Column({ type: 'jsonb' })
  context: EventContext;

  @Column({ type: 'text' })
  error: string;

  @Column({ type: 'integer' })
  attempts: number;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  failedAt: Date;
}
