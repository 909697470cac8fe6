import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One audited action. Rows are only ever inserted (a trigger refuses UPDATE, DELETE and TRUNCATE). */
@Entity({ name: 'audit_logs' })
@Index('ix_audit_logs_created_at_id', ['createdAt', 'id'])
@Index('ix_audit_logs_actor_id_created_at', ['actorId', 'createdAt'])
@Index('ix_audit_logs_action_created_at', ['action', 'createdAt'])
@Index('ix_audit_logs_resource_type_resource_id_created_at', ['resourceType', 'resourceId', 'createdAt'])
export class AuditLog {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Who acted; null for anonymous actions (a failed login). No foreign key: entries outlive users. */
  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ type: 'varchar', length: 64 })
  action: string;

  @Column({ type: 'varchar', length: 64 })
  resourceType: string;

  @Column({ type: 'varchar', length: 128, nullable: true })
  resourceId: string | null;

  @Column({ type: 'jsonb', default: {} })
  details: Record<string, unknown>;

  @Column({ type: 'varchar', length: 128, nullable: true })
  requestId: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip: string | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
