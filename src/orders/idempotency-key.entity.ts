import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The first response to an Idempotency-Key of a user, stored in the same transaction as the order
 * it created, together with a hash of the request that produced it.
 */
@Entity({ name: 'idempotency_keys' })
@Index('ix_idempotency_keys_created_at', ['createdAt'])
export class IdempotencyKey {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_idempotency_keys' })
  userId: string;

  @PrimaryColumn({ type: 'varchar', length: 255, primaryKeyConstraintName: 'pk_idempotency_keys' })
  key: string;

  @Column({ type: 'varchar', length: 64 })
  requestHash: string;

  @Column({ type: 'integer', nullable: true })
  responseStatus: number | null;

  /** The response body exactly as first serialized (text, not jsonb: a replay must keep its key order). */
  @Column({ type: 'text', nullable: true })
  responseBody: string | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
