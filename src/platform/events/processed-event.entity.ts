import { CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** That handler `handler` has applied event `eventId`: the idempotency record of transactional handlers. */
@Entity({ name: 'processed_events' })
export class ProcessedEvent {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_processed_events' })
  eventId: string;

  @PrimaryColumn({ type: 'varchar', length: 200, primaryKeyConstraintName: 'pk_processed_events' })
  handler: string;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  processedAt: Date;
}
