import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Brackets, In, type Repository, type SelectQueryBuilder } from 'typeorm';

import { type Page, type PageQueryDto, Paginator, type SortableFields } from '../common/pagination';
import { Product } from './product.entity';
import { MAX_STOCK } from './product-limits';

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

  findActiveByIds(ids: readonly string[]): Promise<Product[]> {
    return this.products.findBy({ id: In([...ids]) });
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

  /** Takes `quantity` from an active product if it has that many; the new stock, or null. */
  takeStock(id: string, quantity: number): Promise<number | null> {
    return this.changeStock('"stock" - :quantity', '"stock" >= :quantity', { id, quantity });
  }

  /** Gives back stock taken earlier, even if the product was deleted since; the new stock, or null. */
  returnStock(id: string, quantity: number): Promise<number | null> {
    return this.changeStock('"stock" + :quantity', 'TRUE', { id, quantity }, { includeDeleted: true });
  }

  /** The stock of an active product right now, or null; for error details after a refused change. */
  async currentStock(id: string): Promise<number | null> {
    const product = await this.products.findOne({ select: { id: true, stock: true }, where: { id } });
    return product?.stock ?? null;
  }

  private async changeStock(
    newValue: string,
    condition: string,
    parameters: Record<string, string | number>,
    options: { includeDeleted?: boolean } = {},
  ): Promise<number | null> {
    const live = options.includeDeleted ? 'TRUE' : '"deleted_at" IS NULL';
    const result = await this.products
      .createQueryBuilder()
      .update(Product)
      .set({ stock: () => newValue })
      .where(`"id" = :id AND ${live} AND ${condition}`, parameters)
      .returning(['stock'])
      .execute();
    const [row] = result.raw as Array<{ stock: number }>;
    return row ? row.stock : null;
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
