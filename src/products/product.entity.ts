import {
  Check,
  Column,
  CreateDateColumn,
  DeleteDateColumn,
  Entity,
  ForeignKey,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

const LIVE_ROWS = '"deleted_at" IS NULL';

@Entity({ name: 'products' })
@Index('uq_products_sku', ['sku'], { unique: true })
// Keyset indexes, one per sort order, each ending in the tiebreaker; only live rows are listed.
@Index('ix_products_created_at_id', ['createdAt', 'id'], { where: LIVE_ROWS })
@Index('ix_products_price_cents_id', ['priceCents', 'id'], { where: LIVE_ROWS })
@Index('ix_products_name_id', ['name', 'id'], { where: LIVE_ROWS })
@Index('ix_products_category_created_at_id', ['category', 'createdAt', 'id'], { where: LIVE_ROWS })
@Check('ck_products_price_cents_non_negative', `"price_cents" >= 0`)
@Check('ck_products_stock_non_negative', `"stock" >= 0`)
export class Product {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Stored upper-cased; unique across live and deleted products. */
  @Column({ type: 'varchar', length: 64 })
  sku: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  /** Stored lower-cased, so the filter is an exact (indexed) match. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  category: string | null;

  @Column({ type: 'integer' })
  priceCents: number;

  /**
   * What unprivileged price changes are measured against: set at creation and by every price
   * change made with `products:admin` (docs/decisions/0031). Null only for rows written around the
   * service; the first price change then pins it to the price before that change.
   */
  @Column({ type: 'integer', nullable: true })
  referencePriceCents: number | null;

  /** Changed only by single conditional UPDATEs (see ProductsRepository), never read-modify-write. */
  @Column({ type: 'integer', default: 0 })
  stock: number;

  // By entity name: the products slice does not import the users slice's entity.
  @ForeignKey('User', { name: 'fk_products_created_by_id' })
  @Column({ type: 'uuid' })
  createdById: string;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  /** Soft delete: hidden from reads and new orders, kept for the orders that reference it. */
  @DeleteDateColumn({ type: 'timestamptz', precision: 3, nullable: true })
  deletedAt: Date | null;
}
