import { Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';

import { type CacheMock, compileUnit, newAccessRecorderMock, newCacheMock } from '../../test/support/unit';
import { AccessControlService } from '../common/access/access-control.service';
import { AccessDecisionRecorder } from '../common/access/access-decision.recorder';
import type { Principal } from '../common/access/principal';
import { Role } from '../common/access/roles';
import {
  BusinessRuleException,
  InsufficientStockException,
  PermissionDeniedException,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
} from '../common/errors';
import { FeatureFlagsService } from '../feature-flags/feature-flags.service';
import { CacheService } from '../platform/cache';
import { MetricsRegistry } from '../platform/metrics/metrics-registry';
import { PriceChangePolicy } from './price-change.policy';
import type { Product } from './product.entity';
import { PRODUCT_LIST_TAG, ProductCache } from './product-cache';
import type { ProductLine } from './product-lines';
import { ProductsMetrics } from './products.metrics';
import { ProductsRepository, type TakenStock } from './products.repository';
import { ProductsService } from './products.service';

const ID_A = '1a000000-0000-4000-8000-000000000000';
const ID_B = '2b000000-0000-4000-8000-000000000000';
const STAFF_ID = '5a1f0000-0000-4000-8000-000000000000';

function aProduct(overrides: Partial<Product> = {}): Product {
  return {
    id: ID_A,
    sku: 'MUG-001',
    name: 'Enamel mug',
    description: null,
    category: 'kitchen',
    priceCents: 10_000,
    referencePriceCents: 10_000,
    stock: 5,
    createdById: STAFF_ID,
    createdAt: new Date('2026-01-01T10:00:00.000Z'),
    updatedAt: new Date('2026-01-02T10:00:00.000Z'),
    deletedAt: null,
    ...overrides,
  };
}

const principal = (role: Role, userId = STAFF_ID): Principal => ({
  userId,
  role,
  method: 'access_token',
  credentialId: 'c-1',
});

// The public methods only (Pick drops the private members that make the class nominal).
type Repository = jest.Mocked<Pick<ProductsRepository, keyof ProductsRepository>>;

describe(ProductsService.name, () => {
  let sut: ProductsService;
  let products: Repository;
  let cache: CacheMock;
  let flags: { isEnabled: jest.Mock };
  let txHost: TransactionHost;
  let metrics: ProductsMetrics;
  /** Whether a transaction was open each time the cache was invalidated. */
  let invalidatedInTransaction: boolean[];

  beforeEach(async () => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    invalidatedInTransaction = [];
    products = {
      findActiveById: jest.fn().mockResolvedValue(aProduct()),
      findActiveByIdForUpdate: jest.fn().mockResolvedValue(aProduct()),
      skuTaken: jest.fn().mockResolvedValue(false),
      paginateActive: jest.fn().mockResolvedValue({ items: [aProduct()], meta: { limit: 20, nextCursor: null } }),
      insert: jest.fn((product) => Promise.resolve(aProduct({ ...product, id: ID_B }))),
      update: jest.fn().mockResolvedValue(undefined),
      softDelete: jest.fn().mockResolvedValue(true),
      adjustStock: jest.fn().mockResolvedValue(7),
      takeStock: jest.fn((lines: readonly ProductLine[]) =>
        Promise.resolve(lines.map((line) => taken(line.productId))),
      ),
      returnStock: jest.fn((lines: readonly ProductLine[]) =>
        Promise.resolve(lines.map((line) => taken(line.productId))),
      ),
      currentStock: jest.fn((ids: readonly string[]) => Promise.resolve(new Map(ids.map((id) => [id, 1])))),
    };
    cache = newCacheMock();
    cache.invalidateTags.mockImplementation(() => {
      invalidatedInTransaction.push(txHost.isTransactionActive());
      return Promise.resolve();
    });

    flags = { isEnabled: jest.fn().mockResolvedValue(false) };

    const moduleRef = await compileUnit([
      ProductsService,
      ProductCache,
      AccessControlService,
      // Access decisions are counted and logged by the recorder; not the subject of these specs.
      { provide: AccessDecisionRecorder, useValue: newAccessRecorderMock() },
      PriceChangePolicy,
      ProductsMetrics,
      MetricsRegistry,
      { provide: ProductsRepository, useValue: products },
      { provide: CacheService, useValue: cache },
      { provide: FeatureFlagsService, useValue: flags },
    ]);
    sut = moduleRef.get(ProductsService);
    txHost = moduleRef.get(TransactionHost);
    metrics = moduleRef.get(ProductsMetrics);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  const rejections = async (operation: string) =>
    (await metrics.stockRejections.get()).values.find((sample) => sample.labels.operation === operation)?.value ?? 0;

  describe('reads', () => {
    it('serves a product through the cache, keyed and tagged by id', async () => {
      const detail = await sut.getById(ID_A);

      expect(detail.parse()).toMatchObject({ id: ID_A, createdAt: '2026-01-01T10:00:00.000Z' });
      expect(cache.getOrSetSerialized).toHaveBeenCalledWith(`products:detail:${ID_A}`, expect.any(Function), {
        tags: [`product:${ID_A}`],
      });
    });

    it('answers 404 for a product that is not there (and caches nothing for it)', async () => {
      products.findActiveById.mockResolvedValue(null);

      await expect(sut.getById(ID_A)).rejects.toThrow(ResourceNotFoundException);
    });

    it('lists through the cache with the normalized query, tagged as a list', async () => {
      const page = await sut.list({ q: 'MUG', sort: 'name' });

      expect(page.items).toEqual([expect.objectContaining({ id: ID_A })]);
      const normalized = { q: 'mug', sort: 'name:asc', page: 1, pageSize: 20 };
      expect(products.paginateActive).toHaveBeenCalledWith(
        expect.objectContaining(normalized),
        expect.objectContaining(normalized),
      );
      expect(cache.getOrSet).toHaveBeenCalledWith(expect.stringMatching(/^products:list:/), expect.any(Function), {
        tags: [PRODUCT_LIST_TAG],
      });
    });
  });

  describe('the products.search-descriptions flag', () => {
    const listKey = () => cache.getOrSet.mock.calls.at(-1)?.[0];

    it('searches descriptions, under a cache key of its own, for a caller who has the flag', async () => {
      await sut.list({ q: 'mug' }, STAFF_ID);
      const keyWithout = listKey();
      flags.isEnabled.mockResolvedValue(true);

      await sut.list({ q: 'mug' }, STAFF_ID);

      expect(flags.isEnabled).toHaveBeenLastCalledWith('products.search-descriptions', STAFF_ID);
      expect(products.paginateActive).toHaveBeenLastCalledWith(
        expect.objectContaining({ q: 'mug', searchDescriptions: true }),
        expect.anything(),
      );
      expect(listKey()).not.toBe(keyWithout);
    });

    it('searches names and skus only for a caller without the flag (anonymous here)', async () => {
      await sut.list({ q: 'mug' });

      expect(flags.isEnabled).toHaveBeenCalledWith('products.search-descriptions', undefined);
      const [filters] = products.paginateActive.mock.calls[0];
      expect(filters.searchDescriptions).toBeUndefined();
    });

    it('is not consulted for a list without a search term', async () => {
      flags.isEnabled.mockResolvedValue(true);

      await sut.list({ category: 'kitchen' }, STAFF_ID);

      expect(flags.isEnabled).not.toHaveBeenCalled();
      const [filters] = products.paginateActive.mock.calls[0];
      expect(filters.searchDescriptions).toBeUndefined();
    });
  });

  describe('create', () => {
    const input = { sku: 'MUG-002', name: 'Mug', priceCents: 500, stock: 3 };

    it('records the creator and makes cached lists stale after the commit', async () => {
      const created = await sut.create(input, STAFF_ID);

      expect(created).toMatchObject({ id: ID_B, sku: 'MUG-002', createdById: STAFF_ID, description: null });
      expect(cache.invalidateTags).toHaveBeenCalledWith(`product:${ID_B}`, PRODUCT_LIST_TAG);
      expect(invalidatedInTransaction).toEqual([false]);
    });

    it('refuses a taken sku, naming the field, and inserts nothing', async () => {
      products.skuTaken.mockResolvedValue(true);

      const promise = sut.create(input, STAFF_ID);

      await expect(promise).rejects.toThrow(ResourceAlreadyExistsException);
      await expect(promise).rejects.toMatchObject({ details: { resourceType: 'Product', field: 'sku' } });
      expect(products.insert).not.toHaveBeenCalled();
      expect(cache.invalidateTags).not.toHaveBeenCalled();
    });
  });

  describe('update', () => {
    it('lets the creator with products:update edit, reading the row under a lock', async () => {
      products.findActiveById.mockResolvedValue(aProduct({ name: 'New name' }));

      await expect(sut.update(ID_A, { name: 'New name' }, principal(Role.Staff))).resolves.toMatchObject({
        name: 'New name',
      });
      expect(products.findActiveByIdForUpdate).toHaveBeenCalledWith(ID_A);
      expect(products.update).toHaveBeenCalledWith(ID_A, { name: 'New name' });
      expect(cache.invalidateTags).toHaveBeenCalledWith(`product:${ID_A}`, PRODUCT_LIST_TAG);
      expect(invalidatedInTransaction).toEqual([false]);
    });

    it("refuses another staff member's product, and lets products:admin edit it", async () => {
      const other = principal(Role.Staff, 'someone-else');

      await expect(sut.update(ID_A, { name: 'x' }, other)).rejects.toThrow(PermissionDeniedException);
      expect(products.update).not.toHaveBeenCalled();
      await expect(sut.update(ID_A, { name: 'x' }, principal(Role.Admin, 'an-admin'))).resolves.toBeDefined();
    });

    it('refuses a creator who lacks products:update (e.g. now a customer)', async () => {
      await expect(sut.update(ID_A, { name: 'x' }, principal(Role.Customer))).rejects.toThrow(
        PermissionDeniedException,
      );
    });

    it('applies the 20% rule against the stored price', async () => {
      await expect(sut.update(ID_A, { priceCents: 11_900 }, principal(Role.Staff))).resolves.toBeDefined();
      await expect(sut.update(ID_A, { priceCents: 12_100 }, principal(Role.Staff))).rejects.toThrow(
        PermissionDeniedException,
      );
      expect(products.update).toHaveBeenCalledTimes(1);
    });

    it('answers 404 for a missing product and writes nothing for an empty change set', async () => {
      await expect(sut.update(ID_A, {}, principal(Role.Staff))).resolves.toMatchObject({ id: ID_A });
      expect(products.update).not.toHaveBeenCalled();
      expect(cache.invalidateTags).not.toHaveBeenCalled();
      products.findActiveByIdForUpdate.mockResolvedValue(null);
      await expect(sut.update(ID_A, {}, principal(Role.Admin))).rejects.toThrow(ResourceNotFoundException);
    });
  });

  describe('remove', () => {
    it('soft-deletes and invalidates; a second delete is 404', async () => {
      await sut.remove(ID_A);
      expect(cache.invalidateTags).toHaveBeenCalledWith(`product:${ID_A}`, PRODUCT_LIST_TAG);

      products.softDelete.mockResolvedValue(false);
      await expect(sut.remove(ID_A)).rejects.toThrow(ResourceNotFoundException);
    });
  });

  describe('adjustStock', () => {
    it('applies the delta and returns the product', async () => {
      products.findActiveById.mockResolvedValue(aProduct({ stock: 7 }));

      await expect(sut.adjustStock(ID_A, 2)).resolves.toMatchObject({ stock: 7 });
      expect(products.adjustStock).toHaveBeenCalledWith(ID_A, 2);
      expect(invalidatedInTransaction).toEqual([false]);
    });

    it('refuses to go below zero with the available stock, and counts the rejection', async () => {
      products.adjustStock.mockResolvedValue(null);
      const before = await rejections('adjust');

      const promise = sut.adjustStock(ID_A, -3);

      await expect(promise).rejects.toThrow(InsufficientStockException);
      await expect(promise).rejects.toMatchObject({ details: { productId: ID_A, requested: 3, available: 1 } });
      expect(await rejections('adjust')).toBe(before + 1);
      expect(cache.invalidateTags).not.toHaveBeenCalled();
    });

    it('tells a missing product (404) and a stock ceiling (422) apart', async () => {
      products.adjustStock.mockResolvedValue(null);
      await expect(sut.adjustStock(ID_A, 5)).rejects.toThrow(BusinessRuleException);
      products.currentStock.mockResolvedValue(new Map());
      await expect(sut.adjustStock(ID_A, -5)).rejects.toThrow(ResourceNotFoundException);
    });
  });

  describe('reserveStock and releaseStock', () => {
    it('takes stock of one line per product, in product-id order, in one call inside a transaction', async () => {
      const inTransaction: boolean[] = [];
      products.takeStock.mockImplementation((lines: readonly ProductLine[]) => {
        inTransaction.push(txHost.isTransactionActive());
        return Promise.resolve(lines.map((line) => taken(line.productId)));
      });

      const reserved = await sut.reserveStock([
        { productId: ID_B, quantity: 1 },
        { productId: ID_A.toUpperCase(), quantity: 2 },
        { productId: ID_B, quantity: 3 },
      ]);

      expect(products.takeStock.mock.calls).toEqual([
        [
          [
            { productId: ID_A, quantity: 2 },
            { productId: ID_B, quantity: 4 },
          ],
        ],
      ]);
      expect(reserved).toEqual([taken(ID_A), taken(ID_B)]);
      expect(inTransaction).toEqual([true]);
      expect(cache.invalidateTags).toHaveBeenCalledWith(`product:${ID_A}`, `product:${ID_B}`, PRODUCT_LIST_TAG);
      expect(invalidatedInTransaction).toEqual([false]);
    });

    it('answers INSUFFICIENT_STOCK for a short line and invalidates nothing (the caller rolls back)', async () => {
      products.takeStock.mockResolvedValue([taken(ID_A)]);
      const before = await rejections('reserve');

      const promise = sut.reserveStock([
        { productId: ID_A, quantity: 1 },
        { productId: ID_B, quantity: 5 },
      ]);

      await expect(promise).rejects.toMatchObject({ details: { productId: ID_B, requested: 5, available: 1 } });
      expect(products.currentStock).toHaveBeenCalledWith([ID_B]);
      expect(await rejections('reserve')).toBe(before + 1);
      expect(cache.invalidateTags).not.toHaveBeenCalled();
    });

    it('answers 404 naming a missing or deleted product before any short one', async () => {
      products.takeStock.mockResolvedValue([]);
      products.currentStock.mockResolvedValue(new Map([[ID_A, 0]]));

      await expect(
        sut.reserveStock([
          { productId: ID_A, quantity: 1 },
          { productId: ID_B, quantity: 1 },
        ]),
      ).rejects.toMatchObject({ details: { resourceType: 'Product', resourceId: ID_B } });
    });

    it.each([0, -1, 1.5])('refuses a quantity of %s before touching any stock', async (quantity) => {
      await expect(sut.reserveStock([{ productId: ID_A, quantity }])).rejects.toThrow(BusinessRuleException);
      await expect(sut.releaseStock([{ productId: ID_A, quantity }])).rejects.toThrow(BusinessRuleException);
      expect(products.takeStock).not.toHaveBeenCalled();
      expect(products.returnStock).not.toHaveBeenCalled();
    });

    it('gives stock back in one call and invalidates after the commit; an unknown product is 404', async () => {
      await sut.releaseStock([
        { productId: ID_B, quantity: 1 },
        { productId: ID_A, quantity: 2 },
      ]);
      expect(products.returnStock).toHaveBeenCalledWith([
        { productId: ID_A, quantity: 2 },
        { productId: ID_B, quantity: 1 },
      ]);
      expect(invalidatedInTransaction).toEqual([false]);

      products.returnStock.mockResolvedValue([taken(ID_A)]);
      await expect(
        sut.releaseStock([
          { productId: ID_A, quantity: 1 },
          { productId: ID_B, quantity: 1 },
        ]),
      ).rejects.toMatchObject({ details: { resourceType: 'Product', resourceId: ID_B } });
    });

    it('asks nothing of the database for no lines', async () => {
      await expect(sut.reserveStock([])).resolves.toEqual([]);
      await sut.releaseStock([]);

      expect(products.takeStock).not.toHaveBeenCalled();
      expect(products.returnStock).not.toHaveBeenCalled();
      expect(cache.invalidateTags).not.toHaveBeenCalled();
    });
  });
});

/** What the repository returns for a product whose stock was taken or given back. */
function taken(id: string): TakenStock {
  return { id, sku: `SKU-${id.slice(0, 4)}`, name: `Product ${id.slice(0, 4)}`, priceCents: 100 };
}
