import { randomBytes } from 'node:crypto';

import fc from 'fast-check';

import { Role } from '../src/common/access/roles';
import { ProductsService } from '../src/products/products.service';
import { compareListed, type ListedProduct, sortParam, type SortTerm } from './support/product-ordering';
import { type Actor, actorWithRole } from './support/products';
import { createTestApp, type TestApp } from './support/test-app';

const PRODUCTS = '/api/v1/products';
const NAMES = ['alpha', 'beta', 'gamma', 'delta'];
const PRICES = [0, 100, 250, 999];
const BASE_TIME = Date.parse('2026-01-01T00:00:00.000Z');

/** A product row with values drawn from small sets, so every sort meets ties the id must break. */
const rowArb: fc.Arbitrary<RowInput> = fc.record({
  name: fc.oneof(fc.constantFrom(...NAMES), fc.stringMatching(/^[a-z]{1,6}$/)),
  priceCents: fc.oneof(fc.constantFrom(...PRICES), fc.integer({ min: 0, max: 5000 })),
  createdAtSecond: fc.integer({ min: 0, max: 4 }),
});
type RowInput = { name: string; priceCents: number; createdAtSecond: number };

interface ListBody {
  data: ListedProduct[];
  meta: Record<string, unknown> & { hasNext: boolean };
}

/** One to three distinct sort fields, each ascending or descending. */
const sortArb: fc.Arbitrary<SortTerm[]> = fc
  .uniqueArray(fc.constantFrom('name' as const, 'priceCents' as const, 'createdAt' as const), {
    minLength: 1,
    maxLength: 3,
  })
  .chain((fields) => fc.tuple(...fields.map((field) => fc.constantFrom<SortTerm>([field, 'asc'], [field, 'desc']))));

describe('Product pagination (property-based)', () => {
  let sut: TestApp;
  let staff: Actor;

  beforeAll(async () => {
    sut = await createTestApp();
    staff = await actorWithRole(sut, Role.Staff);
  });

  afterAll(async () => {
    await sut.close();
  });

  /** Inserts rows in one statement under a category of their own, which isolates each run. */
  async function seed(rows: readonly RowInput[]): Promise<{ category: string; products: ListedProduct[] }> {
    const category = `run-${randomBytes(6).toString('hex')}`;
    const inserted: Array<{ id: string; name: string; priceCents: number; createdAt: Date }> =
      await sut.dataSource.query(
        `INSERT INTO products (sku, name, category, price_cents, stock, created_by_id, created_at)
       SELECT $1 || '-' || n, name, $1, price, 1, $2, at
       FROM unnest($3::text[], $4::int[], $5::timestamptz[]) WITH ORDINALITY AS r(name, price, at, n)
       RETURNING id, name, price_cents AS "priceCents", created_at AS "createdAt"`,
        [
          category,
          staff.id,
          rows.map((row) => row.name),
          rows.map((row) => row.priceCents),
          rows.map((row) => new Date(BASE_TIME + row.createdAtSecond * 1000).toISOString()),
        ],
      );
    const products = inserted.map((row) => ({ ...row, createdAt: new Date(row.createdAt).toISOString() }));
    return { category, products };
  }

  async function listPage(query: Record<string, string | number>): Promise<ListBody> {
    const response = await sut.http().get(PRODUCTS).query(query);
    if (response.status !== 200) throw new Error(`GET ${JSON.stringify(query)}: ${response.status} ${response.text}`);
    return response.body as ListBody;
  }

  /** Follows nextCursor to the end; `between` runs after each page (concurrent changes). */
  async function walk(
    category: string,
    sort: readonly SortTerm[],
    limit: number,
    between: (page: number) => Promise<void> = async () => undefined,
  ): Promise<ListedProduct[]> {
    const seen: ListedProduct[] = [];
    let cursor: string | null = null;
    for (let page = 1; page <= 500; page += 1) {
      const body = await listPage({ category, sort: sortParam(sort), limit, ...(cursor ? { cursor } : {}) });
      expect(body.meta.limit).toBe(limit);
      expect(body.data.length).toBeLessThanOrEqual(limit);
      if (body.meta.hasNext) expect(body.data).toHaveLength(limit);
      expect(body.meta.hasNext).toBe(body.meta.nextCursor !== null);
      seen.push(...body.data);
      cursor = body.meta.nextCursor as string | null;
      if (!cursor) return seen;
      await between(page);
    }
    throw new Error('cursor walk did not end');
  }

  const ids = (products: readonly ListedProduct[]) => products.map((product) => product.id);

  it('walking every cursor page returns each row exactly once, in the requested order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(rowArb, { maxLength: 30 }),
        sortArb,
        fc.integer({ min: 1, max: 7 }),
        async (rows, sort, limit) => {
          const { category, products } = await seed(rows);

          const walked = await walk(category, sort, limit);

          expect(ids(walked)).toEqual(ids([...products].sort(compareListed(sort))));
        },
      ),
      { numRuns: 50 },
    );
  }, 120_000);

  it('offset pages hold the right rows and exact meta, past the last page too', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(rowArb, { maxLength: 25 }),
        sortArb,
        fc.integer({ min: 1, max: 10 }),
        async (rows, sort, pageSize) => {
          const { category, products } = await seed(rows);
          const expected = ids([...products].sort(compareListed(sort)));
          const pages = Math.ceil(expected.length / pageSize);

          for (let page = 1; page <= pages + 1; page += 1) {
            const body = await listPage({ category, sort: sortParam(sort), page, pageSize });
            expect(ids(body.data)).toEqual(expected.slice((page - 1) * pageSize, page * pageSize));
            expect(body.meta).toEqual({
              page,
              pageSize,
              total: expected.length,
              pages,
              hasNext: page < pages,
              hasPrev: page > 1,
            });
          }
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);

  it('with rows inserted and deleted between pages: rows present throughout appear exactly once, none twice, in order', async () => {
    const changeArb = fc.record({
      insert: fc.option(rowArb, { nil: undefined }),
      deleteIndex: fc.option(fc.nat(), { nil: undefined }),
    });
    const products = sut.app.get(ProductsService);

    await fc.assert(
      fc.asyncProperty(
        fc.array(rowArb, { minLength: 1, maxLength: 25 }),
        sortArb,
        fc.integer({ min: 1, max: 5 }),
        fc.array(changeArb, { maxLength: 12 }),
        async (rows, sort, limit, changes) => {
          const { category, products: base } = await seed(rows);
          const deleted = new Set<string>();
          const inserted = new Set<string>();

          const walked = await walk(category, sort, limit, async (page) => {
            const change = changes[page - 1];
            if (change?.insert) {
              const sku = `${category}-new-${page}`;
              const created = await products.create(
                { ...change.insert, sku: sku.toUpperCase(), category, stock: 1 },
                staff.id,
              );
              inserted.add(created.id);
            }
            if (change?.deleteIndex !== undefined) {
              const victim = base[change.deleteIndex % base.length];
              if (!deleted.has(victim.id)) await products.remove(victim.id);
              deleted.add(victim.id);
            }
          });

          const walkedIds = ids(walked);
          expect(new Set(walkedIds).size).toBe(walkedIds.length);
          const survivors = ids(base).filter((id) => !deleted.has(id));
          expect(walkedIds).toEqual(expect.arrayContaining(survivors));
          expect(walkedIds.every((id) => base.some((row) => row.id === id) || inserted.has(id))).toBe(true);
          const order = compareListed(sort);
          walked.slice(1).forEach((product, i) => expect(order(walked[i], product)).toBeLessThan(0));
        },
      ),
      { numRuns: 30 },
    );
  }, 120_000);

  describe('refused with 422 VALIDATION_ERROR', () => {
    let category: string;
    let cursor: string;

    beforeAll(async () => {
      ({ category } = await seed(NAMES.map((name, i) => ({ name, priceCents: i, createdAtSecond: i }))));
      const body = await listPage({ category, sort: 'name:asc', limit: 2 });
      cursor = body.meta.nextCursor as string;
    });

    const expect422 = async (query: Record<string, string | number>, loc: Array<string | number>) => {
      const response = await sut.http().get(PRODUCTS).query(query).expect(422);
      expect(response.body.error.code).toBe('VALIDATION_ERROR');
      expect(response.body.error.details.errors).toEqual([expect.objectContaining({ loc })]);
    };

    it('a cursor whose payload or signature was altered', async () => {
      const [payload, signature] = cursor.split('.');
      const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { v: unknown[] };
      decoded.v = ['zzz'];
      const forged = `${Buffer.from(JSON.stringify(decoded)).toString('base64url')}.${signature}`;
      const flipped = `${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;

      for (const bad of [forged, flipped, `${cursor}x`, 'not-a-cursor', `${payload}.`]) {
        await expect422({ category, sort: 'name:asc', limit: 2, cursor: bad }, ['query', 'cursor']);
      }
    });

    it('a cursor issued for another sort order', async () => {
      await expect422({ category, sort: 'priceCents:asc', limit: 2, cursor }, ['query', 'cursor']);
      await expect422({ category, sort: 'name:desc', limit: 2, cursor }, ['query', 'cursor']);
    });

    it('an unknown or repeated sort field, or a malformed sort', async () => {
      await expect422({ sort: 'stock:asc' }, ['query', 'sort']);
      await expect422({ sort: 'name,name:desc' }, ['query', 'sort']);
      await expect422({ sort: 'name:sideways' }, ['query', 'sort']);
    });

    it('offset and cursor parameters mixed, and out-of-range sizes', async () => {
      await expect422({ page: 1, limit: 5 }, ['query']);
      await expect422({ pageSize: 5, cursor }, ['query']);
      await expect422({ pageSize: 101 }, ['query', 'pageSize']);
      await expect422({ limit: 0 }, ['query', 'limit']);
      await expect422({ page: 0 }, ['query', 'page']);
    });
  });
});
