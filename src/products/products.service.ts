import { Injectable, Logger } from '@nestjs/common';

import { AccessControlService } from '../common/access/access-control.service';
import { Permission } from '../common/access/permissions';
import type { Principal } from '../common/access/principal';
import {
  BusinessRuleException,
  InsufficientStockException,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
} from '../common/errors';
import type { SerializedJson } from '../common/http';
import type { Page } from '../common/pagination';
import { FeatureFlagsService } from '../feature-flags/feature-flags.service';
import { TransactionRunner } from '../platform/database';
import type { ProductQueryDto } from './dto/product-query.dto';
import { ProductResponseDto } from './dto/product-response.dto';
import { PriceChangePolicy } from './price-change.policy';
import type { Product } from './product.entity';
import { ProductCache } from './product-cache';
import { SEARCH_DESCRIPTIONS_FLAG } from './product-flags';
import { MAX_STOCK } from './product-limits';
import { combineProductLines, type ProductLine } from './product-lines';
import { normalizeListQuery } from './product-list-query';
import { ProductsMetrics } from './products.metrics';
import { type ProductChanges, ProductsRepository, type TakenStock } from './products.repository';

export interface CreateProductInput {
  readonly sku: string;
  readonly name: string;
  readonly description?: string | null;
  readonly category?: string | null;
  readonly priceCents: number;
  readonly stock: number;
}

export type ProductChangesInput = Readonly<ProductChanges>;

/** One line of an order, as the stock methods take it. */
export type StockLine = ProductLine;

/** What an order needs to know about a product: the price comes from here, never from the client. */
export type OrderableProduct = TakenStock;

/**
 * The product catalogue and its stock: the slice's public face. Reads go through the cache;
 * every write invalidates the affected entries after its transaction commits. The stock methods
 * join the caller's transaction (orders reserve stock in the same transaction as the order).
 */
@Injectable()
export class ProductsService {
  private readonly logger = new Logger(ProductsService.name);

  constructor(
    private readonly products: ProductsRepository,
    private readonly cache: ProductCache,
    private readonly transactions: TransactionRunner,
    private readonly access: AccessControlService,
    private readonly prices: PriceChangePolicy,
    private readonly metrics: ProductsMetrics,
    private readonly flags: FeatureFlagsService,
  ) {}

  /**
   * A page of active products (offset or cursor mode), served from the cache when it is fresh.
   * `callerId` (undefined: anonymous) decides the caller's feature flags: with
   * `products.search-descriptions` on, `q` also matches descriptions.
   */
  async list(query: ProductQueryDto, callerId?: string): Promise<Page<ProductResponseDto>> {
    const searchDescriptions =
      query.q !== undefined && (await this.flags.isEnabled(SEARCH_DESCRIPTIONS_FLAG, callerId));
    const normalized = normalizeListQuery(query, { searchDescriptions });
    return this.cache.list(normalized, async () => {
      const page = await this.products.paginateActive(normalized, normalized);
      return { items: page.items.map((product) => ProductResponseDto.fromEntity(product)), meta: page.meta };
    });
  }

  /**
   * An active product as JSON, served from the cache when it is fresh (the cached bytes, sent as
   * they are); deleted ones are 404 like unknown ones.
   */
  async getById(id: string): Promise<SerializedJson<ProductResponseDto>> {
    const product = await this.cache.detail(id, async () => {
      const found = await this.products.findActiveById(id);
      return found ? ProductResponseDto.fromEntity(found) : null;
    });
    if (!product) throw new ResourceNotFoundException('Product', id);
    return product;
  }

  /**
   * Creates a product recorded as made by `creatorId` (who may then edit it with
   * `products:update`). A taken sku, even a deleted product's, is a 409 naming `sku`.
   */
  async create(input: CreateProductInput, creatorId: string): Promise<ProductResponseDto> {
    const product = await this.transactions.run(async () => {
      if (await this.products.skuTaken(input.sku)) throw new ResourceAlreadyExistsException('Product', 'sku');
      const created = await this.products.insert({
        sku: input.sku,
        name: input.name,
        description: input.description ?? null,
        category: input.category ?? null,
        priceCents: input.priceCents,
        referencePriceCents: input.priceCents,
        stock: input.stock,
        createdById: creatorId,
      });
      await this.cache.invalidateAfterCommit([created.id]);
      return created;
    });
    this.logger.log({ productId: product.id, sku: product.sku }, 'Product created');
    return ProductResponseDto.fromEntity(product);
  }

  /**
   * Edits a product. Allowed for its creator holding `products:update`, or anyone with
   * `products:admin`; a price more than 20% away from the reference price needs `products:admin`
   * (checked under a row lock, so concurrent edits cannot slip past it; see PriceChangePolicy).
   */
  async update(id: string, changes: ProductChangesInput, principal: Principal): Promise<ProductResponseDto> {
    const product = await this.transactions.run(async () => {
      const current = await this.products.findActiveByIdForUpdate(id);
      if (!current) throw new ResourceNotFoundException('Product', id);
      this.access.ensureCanAccess(
        principal,
        { type: 'Product', id, createdById: current.createdById },
        Permission.ProductsAdmin,
        'createdById',
        { ownerPermission: Permission.ProductsUpdate },
      );
      const referencePriceCents = this.prices.referenceAfter(principal, current, changes.priceCents);
      const fields = { ...definedFields(changes), ...referencePriceCents };
      if (Object.keys(fields).length === 0) return current;
      await this.products.update(id, fields);
      await this.cache.invalidateAfterCommit([id]);
      return this.requireActive(id);
    });
    this.logger.log({ productId: id, fields: Object.keys(definedFields(changes)) }, 'Product updated');
    return ProductResponseDto.fromEntity(product);
  }

  /** Soft delete: the product disappears from reads and new orders; existing orders keep referring to it. */
  async remove(id: string): Promise<void> {
    await this.transactions.run(async () => {
      if (!(await this.products.softDelete(id))) throw new ResourceNotFoundException('Product', id);
      await this.cache.invalidateAfterCommit([id]);
    });
    this.logger.log({ productId: id }, 'Product deleted');
  }

  /**
   * Adds `delta` (negative to remove) to the stock in one conditional UPDATE: concurrent
   * adjustments never take it below zero; one that would is 409 INSUFFICIENT_STOCK.
   */
  async adjustStock(id: string, delta: number): Promise<ProductResponseDto> {
    const product = await this.transactions.run(async () => {
      const stock = await this.products.adjustStock(id, delta);
      if (stock === null) return this.refuseStockChange(id, delta);
      await this.cache.invalidateAfterCommit([id]);
      return this.requireActive(id);
    });
    this.logger.log({ productId: id, delta, stock: product.stock }, 'Stock adjusted');
    return ProductResponseDto.fromEntity(product);
  }

  /**
   * Takes the stock an order needs, inside the caller's transaction (or its own), and returns
   * the current sku, name and price of each product (read from the database under the same row
   * lock, never from the cache), one per product in id order. All lines in one statement whose
   * row locks are taken in product-id order, so two orders never deadlock on each other. A
   * missing or deleted product is 404 naming its id; otherwise a short line is INSUFFICIENT_STOCK;
   * the enclosing transaction then rolls back every line already taken.
   *
   *   await transactions.run(async () => { const taken = await products.reserveStock(lines); await orders.insert(...); });
   */
  async reserveStock(lines: readonly StockLine[]): Promise<OrderableProduct[]> {
    const merged = mergeStockLines(lines);
    if (merged.length === 0) return [];
    return this.transactions.run(async () => {
      const taken = new Map((await this.products.takeStock(merged)).map((product) => [product.id, product]));
      if (taken.size < merged.length) await this.refuseReservation(merged.filter((line) => !taken.has(line.productId)));
      await this.cache.invalidateAfterCommit(merged.map((line) => line.productId));
      return merged.map((line) => taken.get(line.productId) as OrderableProduct);
    });
  }

  /**
   * Gives back stock reserved earlier (a cancelled or failed order), in the caller's transaction,
   * in one statement. Stock of a product deleted since is restored too. Callers make this run
   * once per order.
   */
  async releaseStock(lines: readonly StockLine[]): Promise<void> {
    const merged = mergeStockLines(lines);
    if (merged.length === 0) return;
    await this.transactions.run(async () => {
      const returned = new Set((await this.products.returnStock(merged)).map((product) => product.id));
      const missing = merged.find((line) => !returned.has(line.productId));
      if (missing) throw new ResourceNotFoundException('Product', missing.productId);
      await this.cache.invalidateAfterCommit(merged.map((line) => line.productId));
    });
  }

  private async requireActive(id: string): Promise<Product> {
    const product = await this.products.findActiveById(id);
    if (!product) throw new ResourceNotFoundException('Product', id);
    return product;
  }

  /** Says why a conditional stock UPDATE changed nothing: no such product, too little stock, or too much. */
  private async refuseStockChange(id: string, delta: number): Promise<never> {
    const available = (await this.products.currentStock([id])).get(id);
    if (available === undefined) throw new ResourceNotFoundException('Product', id);
    if (delta > 0) {
      throw new BusinessRuleException(`Stock cannot exceed ${MAX_STOCK}`, { productId: id, maxStock: MAX_STOCK });
    }
    this.metrics.stockRejections.inc({ operation: 'adjust' });
    throw new InsufficientStockException(id, -delta, available);
  }

  /** Says why lines of a reservation were not taken: the first unknown product (404), else the first short one (409). */
  private async refuseReservation(refused: readonly StockLine[]): Promise<never> {
    const available = await this.products.currentStock(refused.map((line) => line.productId));
    const unknown = refused.find((line) => !available.has(line.productId));
    if (unknown) throw new ResourceNotFoundException('Product', unknown.productId);
    const [short] = refused;
    this.metrics.stockRejections.inc({ operation: 'reserve' });
    throw new InsufficientStockException(short.productId, short.quantity, available.get(short.productId) ?? 0);
  }
}

/** One line per product (quantities summed), in id order; quantities must be positive integers. */
function mergeStockLines(lines: readonly StockLine[]): StockLine[] {
  for (const { productId, quantity } of lines) {
    if (!Number.isSafeInteger(quantity) || quantity <= 0) {
      throw new BusinessRuleException('Quantities must be positive integers', { productId, quantity });
    }
  }
  return combineProductLines(lines).sort((a, b) =>
    a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0,
  );
}

function definedFields<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
