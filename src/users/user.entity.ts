import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

import { Role } from '../common/access/roles';
import { encryptedColumn } from '../platform/security/encrypted-column.transformer';

@Entity({ name: 'users' })
@Index('uq_users_email', ['email'], { unique: true })
// Case-insensitive uniqueness is an expression index (lower(username)) that only the migration declares.
@Index('uq_users_username', { synchronize: false })
@Index('ix_users_created_at_id', ['createdAt', 'id'])
@Check('ck_users_role', `"role" IN ('admin', 'staff', 'customer')`)
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Stored lower-cased: emails compare case-insensitively. */
  @Column({ type: 'varchar', length: 254 })
  email: string;

  /** Stored as typed; unique regardless of case. */
  @Column({ type: 'varchar', length: 32 })
  username: string;

  /** argon2id; never selected unless asked for explicitly. */
  @Column({ type: 'varchar', length: 255, select: false })
  passwordHash: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  fullName: string | null;

  /** Personal data: stored AES-256-GCM encrypted (the entity holds plaintext), so it cannot be searched. */
  @Column({ type: 'text', nullable: true, transformer: encryptedColumn('users.phone') })
  phone: string | null;

  @Column({ type: 'varchar', length: 16, default: Role.Customer })
  role: Role;

  @Column({ type: 'boolean', default: true })
  isActive: boolean;

  /** Carried in every token; raising it (password change, deactivation) invalidates all earlier tokens. */
  @Column({ type: 'integer', default: 0 })
  tokenVersion: number;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  lastLoginAt: Date | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  passwordChangedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', precision: 3 })
  updatedAt: Date;
}
