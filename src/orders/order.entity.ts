import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  OneToMany,
  PrimaryGeneratedColumn,
  type Relation,
  UpdateDateColumn,
} from 'typeorm';

import { OrderItem } from './order-item.entity';
import { OrderStatus } from './order-status';

@Entity({ name: 'orders' })
@Index('ix_orders_user_id_created_at_id', ['userId', 'createdAt', 'id'])
@Index('ix_orders_created_at_id', ['createdAt', 'id'])
@Index('ix_orders_status_created_at_id', ['status', 'createdAt', 'id'])
@Check('ck_orders_status', `"status" IN ('pending', 'completed', 'payment_failed', 'cancelled')`)
@Check('ck_orders_total_cents_non_negative', `"total_cents" >= 0`)
export class Order {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** The customer; a reference into the users slice by id only. */
  @Column('uuid')
  userId: string;

  @Column({ type: 'varchar', length: 20, default: OrderStatus.Pending })
  status: OrderStatus;

  /** Sum of the lines, computed from the prices in the database at purchase time. */
  @Column({ type: 'integer' })
  totalCents: number;

  @Column({ type: 'varchar', length: 64 })
  paymentMethod: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  notes: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  paymentId: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  failureReason: string | null;

  @OneToMany(() => OrderItem, (item) => item.order, { cascade: ['insert'] })
  items: Relation<OrderItem[]>;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  /** When the order reached a final status (completed, payment_failed, cancelled). */
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  settledAt: Date | null;
}
