import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Brackets, In, type Repository, type SelectQueryBuilder } from 'typeorm';

import { type Page, type PageQueryDto, Paginator, type SortableFields } from '../common/pagination';
import { Product } from './product.entity';
import { MAX_STOCK } from './product-limits';
import type { ProductLine } from './product-lines';

export type NewProduct = Pick<
  Product,
  'sku' | 'name' | 'description' | 'category' | 'priceCents' | 'referencePriceCents' | 'stock' | 'createdById'
>;

export type ProductChanges = Partial<
  Pick<Product, 'name' | 'description' | 'category' | 'priceCents' | 'referencePriceCents'>
>;

export interface ProductFilters {
  /** Already lower-cased: matched case-insensitively against name and sku. */
  readonly q?: string;
  readonly category?: string;
  readonly minPriceCents?: number;
  readonly maxPriceCents?: number;
  /** `q` matches descriptions too (flag `products.search-descriptions`). */
  readonly searchDescriptions?: boolean;
}

/** A product whose stock an order took: what the order records about it. */
export interface TakenStock {
  readonly id: string;
  readonly sku: string;
  readonly name: string;
  readonly priceCents: number;
}

/** The sort whitelist of GET /products; each order has its keyset index (see the migration). */
export const PRODUCT_SORTABLE_FIELDS: SortableFields = {
  fields: { name: 'product.name', priceCents: 'product.priceCents', createdAt: 'product.createdAt' },
  defaultSort: 'createdAt:desc',
  tiebreaker: 'product.id',
};

/**
 * Queries on the products table, inside the caller's transaction when there is one. "Active"
 * means not soft-deleted. Stock only ever changes through single conditional UPDATEs, so
 * concurrent requests can never take it below zero, whatever the isolation level.
 */
@Injectable()
export class ProductsRepository {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly paginator: Paginator,
  ) {}

  private get products(): Repository<Product> {
    return this.txHost.tx.getRepository(Product);
  }

  findActiveById(id: string): Promise<Product | null> {
    return this.products.findOneBy({ id });
  }

  /** Locks the row until the transaction ends, so a rule checked against it still holds at the write. */
  findActiveByIdForUpdate(id: string): Promise<Product | null> {
    return this.products
      .createQueryBuilder('product')
      .where('product.id = :id', { id })
      .setLock('pessimistic_write')
      .getOne();
  }

  /** Whether any product, deleted ones included, has this sku. */
  skuTaken(sku: string): Promise<boolean> {
    return this.products.exists({ where: { sku }, withDeleted: true });
  }

  paginateActive(filters: ProductFilters, page: PageQueryDto): Promise<Page<Product>> {
    return this.paginator.paginate(this.filtered(filters), page, PRODUCT_SORTABLE_FIELDS);
  }

  insert(product: NewProduct): Promise<Product> {
    return this.products.save(this.products.create(product));
  }

  async update(id: string, changes: ProductChanges): Promise<void> {
    await this.products.update({ id }, changes);
  }

  /** Soft-deletes an active product; false when there was none. */
  async softDelete(id: string): Promise<boolean> {
    const result = await this.products.softDelete({ id });
    return (result.affected ?? 0) > 0;
  }

  /**
   * Adds `delta` to the stock of an active product in one conditional UPDATE, only if the result
   * stays within 0..MAX_STOCK. Returns the new stock, or null when nothing changed (no such
   * product, or the bound would be crossed).
   */
  adjustStock(id: string, delta: number): Promise<number | null> {
    return this.changeStock('"stock" + :delta', '"stock" + :delta BETWEEN 0 AND :max', { id, delta, max: MAX_STOCK });
  }

  /**
   * Takes each line's quantity from its active product if it has that many, every line in one
   * statement. Returns the rows taken, with what an order records about them (read under the same
   * row lock, so the price is the one the stock was taken at); a line missing from the result was
   * unknown, deleted or short, and the caller's transaction must roll back.
   */
  takeStock(lines: readonly ProductLine[]): Promise<TakenStock[]> {
    return this.changeStockOfLines(lines, '-', 'p."deleted_at" IS NULL AND p."stock" >= line."quantity"');
  }

  /** Gives back stock taken earlier, even of products deleted since, in one statement; the rows changed. */
  returnStock(lines: readonly ProductLine[]): Promise<TakenStock[]> {
    return this.changeStockOfLines(lines, '+', 'TRUE');
  }

  /** The stock of active products right now, by id; for error details after a refused change. */
  async currentStock(ids: readonly string[]): Promise<Map<string, number>> {
    const rows = await this.products.find({ select: { id: true, stock: true }, where: { id: In([...ids]) } });
    return new Map(rows.map((row) => [row.id, row.stock]));
  }

  private async changeStock(
    newValue: string,
    condition: string,
    parameters: Record<string, string | number>,
  ): Promise<number | null> {
    const result = await this.products
      .createQueryBuilder()
      .update(Product)
      .set({ stock: () => newValue })
      .where(`"id" = :id AND "deleted_at" IS NULL AND ${condition}`, parameters)
      .returning(['stock'])
      .execute();
    const [row] = result.raw as Array<{ stock: number }>;
    return row ? row.stock : null;
  }

  /**
   * One UPDATE for every line. Its rows are first locked in id order (the `locked` CTE, which the
   * uncorrelated count makes run to the end before any row is updated), so two orders over the
   * same products queue on the first one instead of deadlocking, as one UPDATE per line in id
   * order did. Under READ COMMITTED a row changed by a transaction we waited for is re-checked
   * against `condition` in its new version: stock can never go below zero.
   */
  private async changeStockOfLines(
    lines: readonly ProductLine[],
    sign: '+' | '-',
    condition: string,
  ): Promise<TakenStock[]> {
    if (lines.length === 0) return [];
    // An UPDATE answers [rows, row count] through Repository.query.
    const [rows] = await this.products.query<[TakenStock[], number]>(
      `WITH line AS (SELECT * FROM unnest($1::uuid[], $2::int[]) AS line("id", "quantity")),
            locked AS MATERIALIZED (
              SELECT p."id" FROM "products" p WHERE p."id" = ANY($1::uuid[]) ORDER BY p."id" FOR UPDATE)
       UPDATE "products" p
          SET "stock" = p."stock" ${sign} line."quantity", "updated_at" = CURRENT_TIMESTAMP
         FROM line
        WHERE p."id" = line."id" AND ${condition} AND (SELECT count(*) FROM locked) > 0
       RETURNING p."id", p."sku", p."name", p."price_cents" AS "priceCents"`,
      [lines.map((line) => line.productId), lines.map((line) => line.quantity)],
    );
    return rows;
  }

  private filtered(filters: ProductFilters): SelectQueryBuilder<Product> {
    const query = this.products.createQueryBuilder('product');
    if (filters.q) {
      query.andWhere(
        new Brackets((match) => {
          match.where(`product.name ILIKE :pattern ESCAPE '\\'`).orWhere(`product.sku ILIKE :pattern ESCAPE '\\'`);
          if (filters.searchDescriptions) match.orWhere(`product.description ILIKE :pattern ESCAPE '\\'`);
        }),
        { pattern: `%${escapeLike(filters.q)}%` },
      );
    }
    if (filters.category) query.andWhere('product.category = :category', { category: filters.category });
    if (filters.minPriceCents !== undefined)
      query.andWhere('product.priceCents >= :min', { min: filters.minPriceCents });
    if (filters.maxPriceCents !== undefined)
      query.andWhere('product.priceCents <= :max', { max: filters.maxPriceCents });
    return query;
  }
}

/** `%`, `_` and `\` in a search term are literal characters, not patterns. */
function escapeLike(term: string): string {
  return term.replace(/[\\%_]/g, (char) => `\\${char}`);
}
