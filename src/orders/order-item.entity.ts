import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';

import { Order } from './order.entity';

/** A line of an order, with the product's price and name captured at purchase time. */
@Entity({ name: 'order_items' })
@Index('ix_order_items_order_id', ['orderId'])
@Check('ck_order_items_quantity', `"quantity" BETWEEN 1 AND 1000`)
@Check('ck_order_items_unit_price_cents_non_negative', `"unit_price_cents" >= 0`)
export class OrderItem {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  orderId: string;

  @ManyToOne(() => Order, (order) => order.items, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'order_id', foreignKeyConstraintName: 'fk_order_items_order_id' })
  order: Relation<Order>;

  @Column('uuid')
  productId: string;

  @Column({ type: 'varchar', length: 64 })
  sku: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'integer' })
  unitPriceCents: number;

  @Column({ type: 'integer' })
  quantity: number;

  @Column({ type: 'integer' })
  lineTotalCents: number;
}
