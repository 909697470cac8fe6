import { Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';

import { Role } from '../src/common/access/roles';
import { InsufficientStockException, ResourceNotFoundException } from '../src/common/errors';
import { CacheService } from '../src/platform/cache';
import { TransactionRunner } from '../src/platform/database';
import { ProductsService } from '../src/products/products.service';
import { type Actor, actorWithRole, createProduct } from './support/products';
import { createTestApp, type TestApp } from './support/test-app';

/** The service methods the orders slice calls inside its own transaction. */
describe('ProductsService stock methods for orders', () => {
  let sut: TestApp;
  let products: ProductsService;
  let transactions: TransactionRunner;
  let staff: Actor;

  beforeAll(async () => {
    sut = await createTestApp();
    products = sut.app.get(ProductsService);
    transactions = sut.app.get(TransactionRunner);
    staff = await actorWithRole(sut, Role.Staff);
  });

  afterAll(async () => {
    await sut.close();
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  const stockOf = async (id: string): Promise<number> => {
    const [row] = await sut.dataSource.query('SELECT stock FROM products WHERE id = $1', [id]);
    return row.stock as number;
  };

  /** Records each invalidation with whether a transaction was still open and the stock the database held then. */
  function watchInvalidations(productId: string): Array<{ tags: string[]; inTransaction: boolean; stock: number }> {
    const cache = sut.app.get(CacheService);
    const txHost = sut.app.get(TransactionHost);
    const original = cache.invalidateTags.bind(cache);
    const seen: Array<{ tags: string[]; inTransaction: boolean; stock: number }> = [];
    jest.spyOn(cache, 'invalidateTags').mockImplementation(async (...tags: string[]) => {
      seen.push({ tags, inTransaction: txHost.isTransactionActive(), stock: await stockOf(productId) });
      return original(...tags);
    });
    return seen;
  }

  it('reserves inside the caller’s transaction and invalidates only after it commits', async () => {
    const product = await createProduct(sut, staff, { stock: 5 });
    const seen = watchInvalidations(product.id);

    await transactions.run(async () => {
      await products.reserveStock([{ productId: product.id, quantity: 2 }]);
      expect(seen).toEqual([]); // still inside the transaction: nothing invalidated yet
    });

    expect(seen).toEqual([{ tags: [`product:${product.id}`, 'products:list'], inTransaction: false, stock: 3 }]);
  });

  it('applies nothing when a later line is short: the caller’s transaction rolls back every line', async () => {
    const plenty = await createProduct(sut, staff, { stock: 10 });
    const scarce = await createProduct(sut, staff, { stock: 1 });
    const seen = watchInvalidations(plenty.id);

    const attempt = transactions.run(() =>
      products.reserveStock([
        { productId: plenty.id, quantity: 3 },
        { productId: scarce.id, quantity: 2 },
        { productId: plenty.id, quantity: 1 },
      ]),
    );

    await expect(attempt).rejects.toThrow(InsufficientStockException);
    await expect(attempt).rejects.toMatchObject({ details: { productId: scarce.id, requested: 2, available: 1 } });
    expect(await stockOf(plenty.id)).toBe(10);
    expect(await stockOf(scarce.id)).toBe(1);
    expect(seen).toEqual([]);
  });

  it('rolls back a reservation when the caller’s own work fails afterwards, and invalidates nothing', async () => {
    const product = await createProduct(sut, staff, { stock: 4 });
    const seen = watchInvalidations(product.id);

    const attempt = transactions.run(async () => {
      await products.reserveStock([{ productId: product.id, quantity: 4 }]);
      throw new Error('the order could not be written');
    });

    await expect(attempt).rejects.toThrow('the order could not be written');
    expect(await stockOf(product.id)).toBe(4);
    expect(seen).toEqual([]);
  });

  it('releases stock, also for a product deleted since, and refuses unknown products', async () => {
    const product = await createProduct(sut, staff, { stock: 1 });
    await products.reserveStock([{ productId: product.id, quantity: 1 }]);
    await products.remove(product.id);

    await products.releaseStock([{ productId: product.id, quantity: 1 }]);

    expect(await stockOf(product.id)).toBe(1);
    await expect(
      products.releaseStock([{ productId: '0b6f1c52-6a4e-4c59-9d0e-1f6a2b3c4d5e', quantity: 1 }]),
    ).rejects.toThrow(ResourceNotFoundException);
  });

  it('never oversells and never deadlocks under concurrent reservations taken in opposite orders', async () => {
    const a = await createProduct(sut, staff, { stock: 15 });
    const b = await createProduct(sut, staff, { stock: 15 });
    const conflicts = jest.spyOn(Logger.prototype, 'warn');

    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const lines = [
          { productId: a.id, quantity: 1 },
          { productId: b.id, quantity: 1 },
        ];
        return products.reserveStock(i % 2 ? lines : lines.reverse()).then(
          () => 'reserved',
          (error: unknown) => (error instanceof InsufficientStockException ? 'short' : String(error)),
        );
      }),
    );

    expect(outcomes.filter((outcome) => outcome === 'reserved')).toHaveLength(15);
    expect(outcomes.filter((outcome) => outcome === 'short')).toHaveLength(5);
    expect([await stockOf(a.id), await stockOf(b.id)]).toEqual([0, 0]);
    expect(conflicts).not.toHaveBeenCalledWith(expect.anything(), 'Transaction conflict; retrying');
  });

  it('returns what an order needs of the products it took, and names a deleted or unknown one', async () => {
    const first = await createProduct(sut, staff, { priceCents: 250, stock: 5 });
    const second = await createProduct(sut, staff, { priceCents: 990, stock: 5 });

    const taken = await products.reserveStock([
      { productId: second.id, quantity: 2 },
      { productId: first.id, quantity: 1 },
    ]);
    expect(taken).toEqual(
      [
        { id: second.id, sku: second.sku, name: second.name, priceCents: 990 },
        { id: first.id, sku: first.sku, name: first.name, priceCents: 250 },
      ].sort((x, y) => (x.id < y.id ? -1 : 1)),
    );
    expect([await stockOf(first.id), await stockOf(second.id)]).toEqual([4, 3]);

    await products.remove(second.id);
    await expect(
      products.reserveStock([
        { productId: first.id, quantity: 1 },
        { productId: second.id, quantity: 1 },
      ]),
    ).rejects.toMatchObject({ details: { resourceType: 'Product', resourceId: second.id } });
    expect(await stockOf(first.id)).toBe(4);
  });
});
