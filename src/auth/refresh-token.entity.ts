import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

/**
 * A refresh token ever issued (the token itself is never stored: its jti is enough). Tokens of
 * one sign-in share a family; rotation consumes a token and links it to its successor.
 */
@Entity({ name: 'refresh_tokens' })
@Index('ix_refresh_tokens_family_id', ['familyId'])
@Index('ix_refresh_tokens_user_id', ['userId'])
@Index('ix_refresh_tokens_revoked_at', ['revokedAt'], { where: '"revoked_at" IS NOT NULL' })
export class RefreshToken {
  @PrimaryColumn('uuid')
  jti: string;

  @Column('uuid')
  familyId: string;

  @Column('uuid')
  userId: string;

  // The users slice owns its entity; the foreign key is declared by table name so this slice does not import it.
  @ManyToOne('User', { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_refresh_tokens_user_id' })
  readonly owner?: unknown;

  @Column({ type: 'timestamptz', precision: 3 })
  expiresAt: Date;

  /** When the whole session ends, however often it is refreshed (the same on every token of a family). */
  @Column({ type: 'timestamptz', precision: 3 })
  sessionExpiresAt: Date;

  /** When it was exchanged for a new pair; presenting it again after that is theft. */
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  consumedAt: Date | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  revokedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  replacedBy: string | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
