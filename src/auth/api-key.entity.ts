import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

import type { Permission } from '../common/access/permissions';

/** An API key. Only the SHA-256 of its secret is stored; the key is shown once, at creation. */
@Entity({ name: 'api_keys' })
@Index('ix_api_keys_user_id_created_at', ['userId', 'createdAt'])
@Index('ix_api_keys_minted_by_id', ['mintedById'])
export class ApiKey {
  /** Also the public half of the key (`<id>.<secret>`), so a key is found without scanning hashes. */
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  userId: string;

  // The users slice owns its entity; the foreign key is declared by name so this slice does not import it.
  @ManyToOne('User', { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_api_keys_user_id' })
  readonly owner?: unknown;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  /** Hex SHA-256 of the secret half. */
  @Column({ type: 'varchar', length: 64, select: false })
  secretHash: string;

  /** What the key may do, at most (further limited by the owner's role at every use). */
  @Column({ type: 'text', array: true })
  permissions: Permission[];

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  expiresAt: Date | null;

  /** The key this one was created with, if any: revoking that key revokes this one too. */
  @Column({ type: 'uuid', nullable: true })
  mintedById: string | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  lastUsedAt: Date | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  revokedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
