import { randomUUID } from 'node:crypto';

import supertest from 'supertest';

import { Role } from '../src/common/access/roles';
import { CACHE_BACKEND } from '../src/platform/cache/cache.constants';
import type { CacheBackend } from '../src/platform/cache/cache-backend';
import { FAST_SAGA_ENV, placeOrder, settledOrder, stockOf } from './support/orders';
import { type Actor, actorWithRole, createProduct, waitForCache } from './support/products';
import { createTestApp, type TestApp } from './support/test-app';

/**
 * Attacks from outside on set-based stock reservation, settlement, cached product bytes and the
 * unknown-query rule (docs/decisions/0035, 0036): each case tries to break one promised rule.
 */
const PRODUCTS = '/api/v1/products';
const LIVE = ['pending', 'completed'];

/** Units of `productId` held by orders that keep their stock (pending or completed). */
async function unitsInLiveOrders(sut: TestApp, productId: string): Promise<number> {
  const [row] = await sut.dataSource.query<Array<{ units: string | null }>>(
    `SELECT sum(i.quantity) AS units FROM order_items i JOIN orders o ON o.id = i.order_id
      WHERE i.product_id = $1 AND o.status = ANY($2)`,
    [productId, LIVE],
  );
  return Number(row.units ?? 0);
}

describe('Attacks on this round’s rules', () => {
  let sut: TestApp;
  let staff: Actor;
  let customer: Actor;

  beforeAll(async () => {
    sut = await createTestApp({ env: { ...FAST_SAGA_ENV, PAYMENT_BREAKER_THRESHOLD: '1000' } });
    await waitForCache(sut);
    staff = await actorWithRole(sut, Role.Admin);
    customer = await actorWithRole(sut, Role.Customer);
  });

  afterAll(async () => {
    await sut.close();
  });

  describe('stock is never oversold', () => {
    it('holds under concurrent orders over overlapping products, in every line order, with repeated and upper-cased ids', async () => {
      const products = await Promise.all(Array.from({ length: 4 }, () => createProduct(sut, staff, { stock: 9 })));
      const ids = products.map((product) => product.id);
      const customers = await Promise.all(Array.from({ length: 6 }, () => actorWithRole(sut, Role.Customer)));
      const attempts = Array.from({ length: 60 }, (_, i) => {
        const a = ids[i % 4];
        const b = ids[(i + 1 + (i % 3)) % 4];
        const c = ids[(i + 3) % 4];
        // Reversed orders, the same product twice (once upper-cased), and three-product overlaps.
        const lines = [
          { productId: i % 2 ? a : a.toUpperCase(), quantity: 1 },
          { productId: b, quantity: 1 + (i % 2) },
          { productId: c, quantity: 1 },
          { productId: i % 3 ? a.toUpperCase() : a, quantity: 1 },
        ];
        return { actor: customers[i % customers.length], lines: i % 2 ? lines.reverse() : lines };
      });

      const responses = await Promise.all(
        attempts.map((attempt, i) => placeOrder(sut, attempt.actor, attempt.lines, i % 5 ? 'tok_ok' : 'tok_declined')),
      );

      const statuses = responses.map((response) => response.status);
      expect(statuses.filter((status) => status !== 201 && status !== 409)).toEqual([]);
      expect(statuses).toContain(201);
      expect(statuses).toContain(409);
      const placed = responses.filter((response) => response.status === 201).map((response) => response.body.data);
      for (const order of placed) {
        // One line per product, ids as the catalogue spells them.
        const lineIds = order.items.map((item: { productId: string }) => item.productId);
        expect(new Set(lineIds).size).toBe(lineIds.length);
        expect(lineIds.every((id: string) => ids.includes(id))).toBe(true);
      }
      await Promise.all(placed.map((order) => settledOrder(sut, staff, order.id, 30_000)));
      for (const id of ids) {
        const stock = await stockOf(sut, id);
        expect(stock).toBeGreaterThanOrEqual(0);
        expect(stock + (await unitsInLiveOrders(sut, id))).toBe(9);
      }
    }, 90_000);

    it('gives all of the stock at exactly the stock, refuses one more, and counts a repeated line against it', async () => {
      const product = await createProduct(sut, staff, { stock: 5 });

      const short = await placeOrder(sut, customer, [
        { productId: product.id, quantity: 3 },
        { productId: product.id.toUpperCase(), quantity: 3 },
      ]).expect(409);
      expect(short.body.error.code).toBe('INSUFFICIENT_STOCK');
      expect(await stockOf(sut, product.id)).toBe(5);

      const exact = await placeOrder(sut, customer, [
        { productId: product.id.toUpperCase(), quantity: 2 },
        { productId: product.id, quantity: 3 },
      ]).expect(201);
      expect(exact.body.data.items).toEqual([expect.objectContaining({ productId: product.id, quantity: 5 })]);
      expect(await stockOf(sut, product.id)).toBe(0);
      await placeOrder(sut, customer, [{ productId: product.id, quantity: 1 }]).expect(409);
      expect(await stockOf(sut, product.id)).toBe(0);
    });

    it.each([[0], [-1], [1001], [1.5], ['1'], [Number.MAX_SAFE_INTEGER], [2 ** 31], [null]])(
      'refuses a quantity of %p with 422 and takes nothing',
      async (quantity) => {
        const product = await createProduct(sut, staff, { stock: 10 });
        const response = await placeOrder(sut, customer, [
          { productId: product.id, quantity: 1 },
          { productId: product.id, quantity: quantity as number },
        ]).expect(422);
        expect(response.body.error.code).toBe('VALIDATION_ERROR');
        expect(await stockOf(sut, product.id)).toBe(10);
      },
    );

    it('refuses a merged quantity over the line maximum (422) and a total over the order maximum (422)', async () => {
      const product = await createProduct(sut, staff, { stock: 5000, priceCents: 1_000_000_000 });
      await placeOrder(sut, customer, [
        { productId: product.id, quantity: 1000 },
        { productId: product.id.toUpperCase(), quantity: 1 },
      ]).expect(422);
      const total = await placeOrder(sut, customer, [{ productId: product.id, quantity: 3 }]).expect(422);
      expect(total.body.error.code).toBe('BUSINESS_RULE_VIOLATION');
      expect(await stockOf(sut, product.id)).toBe(5000);
    });

    it('takes nothing when an order mixes valid products with an unknown or deleted one (404 naming it)', async () => {
      const [a, b, gone] = await Promise.all([
        createProduct(sut, staff, { stock: 3 }),
        createProduct(sut, staff, { stock: 3 }),
        createProduct(sut, staff, { stock: 3 }),
      ]);
      await sut.http().delete(`${PRODUCTS}/${gone.id}`).auth(staff.token, { type: 'bearer' }).expect(204);
      const unknown = randomUUID();

      for (const missing of [unknown, gone.id, gone.id.toUpperCase()]) {
        const response = await placeOrder(sut, customer, [
          { productId: a.id, quantity: 1 },
          { productId: missing, quantity: 1 },
          { productId: b.id, quantity: 3 },
        ]).expect(404);
        expect(response.body.error.code).toBe('RESOURCE_NOT_FOUND');
        expect(JSON.stringify(response.body.error)).toContain(missing.toLowerCase());
      }
      // Unknown and short together: the unknown product is named, and nothing is taken.
      await placeOrder(sut, customer, [
        { productId: a.id, quantity: 4 },
        { productId: unknown, quantity: 1 },
      ]).expect(404);
      expect([await stockOf(sut, a.id), await stockOf(sut, b.id), await stockOf(sut, gone.id)]).toEqual([3, 3, 3]);
    });

    it('never sells a product deleted while orders for it are being placed', async () => {
      const [kept, doomed] = await Promise.all([
        createProduct(sut, staff, { stock: 100 }),
        createProduct(sut, staff, { stock: 100 }),
      ]);
      const orders = Array.from({ length: 20 }, (_, i) =>
        placeOrder(sut, customer, [
          { productId: i % 2 ? kept.id : doomed.id, quantity: 1 },
          { productId: i % 2 ? doomed.id : kept.id, quantity: 1 },
        ]),
      );
      const removal = sut.http().delete(`${PRODUCTS}/${doomed.id}`).auth(staff.token, { type: 'bearer' });
      const [deleted, ...responses] = await Promise.all([removal, ...orders]);

      expect(deleted.status).toBe(204);
      expect(responses.map((response) => response.status).filter((status) => status !== 201 && status !== 404)).toEqual(
        [],
      );
      const placed = responses.filter((response) => response.status === 201).map((response) => response.body.data);
      // An order that took the stock before the deletion committed is legitimate; timestamps cannot
      // tell which came first (both transactions stamp their start time), so the rule is checked
      // from the client's side: once the 204 is in, no order for the product succeeds.
      const late = await Promise.all(
        Array.from({ length: 5 }, () => placeOrder(sut, customer, [{ productId: doomed.id, quantity: 1 }])),
      );
      expect(late.map((response) => response.status)).toEqual([404, 404, 404, 404, 404]);
      await Promise.all(placed.map((order: { id: string }) => settledOrder(sut, customer, order.id, 30_000)));
      for (const product of [kept, doomed]) {
        expect((await stockOf(sut, product.id)) + (await unitsInLiveOrders(sut, product.id))).toBe(100);
      }
    }, 60_000);
  });

  describe('settlement and giving stock back happen exactly once', () => {
    it('cancellations racing paid and failing sagas give stock back once per order that did not complete', async () => {
      const product = await createProduct(sut, staff, { stock: 200 });
      const orders = await Promise.all(
        Array.from(
          { length: 16 },
          async (_, i) =>
            (
              await placeOrder(
                sut,
                customer,
                [{ productId: product.id, quantity: 3 }],
                i % 2 ? 'tok_ok' : 'tok_declined',
              ).expect(201)
            ).body.data as { id: string },
        ),
      );
      const cancels = await Promise.all(
        orders.flatMap((order) =>
          [0, 1].map(() =>
            sut.http().post(`/api/v1/orders/${order.id}/cancel`).auth(customer.token, { type: 'bearer' }),
          ),
        ),
      );

      expect(cancels.map((response) => response.status).filter((status) => status !== 200 && status !== 409)).toEqual(
        [],
      );
      const settled = await Promise.all(orders.map((order) => settledOrder(sut, customer, order.id, 30_000)));
      const statuses = new Set(settled.map((order) => order.status));
      expect(
        [...statuses].every((status) => ['completed', 'cancelled', 'payment_failed'].includes(status as string)),
      ).toBe(true);
      const completed = settled.filter((order) => order.status === 'completed').length;
      expect(await stockOf(sut, product.id)).toBe(200 - 3 * completed);
      const [released] = await sut.dataSource.query<Array<{ n: string; orders: string }>>(
        `SELECT count(*) AS n, count(DISTINCT payload->>'orderId') AS orders FROM outbox_events
          WHERE name = 'inventory.released' AND payload->>'orderId' = ANY($1)`,
        [orders.map((order) => order.id)],
      );
      expect(Number(released.n)).toBe(orders.length - completed);
      expect(Number(released.orders)).toBe(orders.length - completed);
    }, 60_000);

    it('answers every replay of an Idempotency-Key, sent concurrently with repeated lines, with the one order', async () => {
      const product = await createProduct(sut, staff, { stock: 10 });
      const key = `attack-${randomUUID()}`;
      const lines = [
        { productId: product.id, quantity: 1 },
        { productId: product.id.toUpperCase(), quantity: 1 },
      ];
      const responses = await Promise.all(
        Array.from({ length: 8 }, () => placeOrder(sut, customer, lines, 'tok_ok', { 'Idempotency-Key': key })),
      );

      expect(responses.map((response) => response.status)).toEqual(Array(8).fill(201));
      expect(new Set(responses.map((response) => response.text)).size).toBe(1);
      await settledOrder(sut, customer, responses[0].body.data.id);
      const late = await placeOrder(sut, customer, lines, 'tok_ok', { 'Idempotency-Key': key }).expect(201);
      expect(late.text).toBe(responses[0].text);
      expect(await stockOf(sut, product.id)).toBe(8);
    });
  });

  describe('a product detail is the same bytes from the database and the cache', () => {
    const detail = (id: string, headers: Record<string, string> = {}) =>
      sut.http().get(`${PRODUCTS}/${id}`).set(headers);
    const backend = () => sut.app.get<CacheBackend>(CACHE_BACKEND);

    it('sends unicode, quotes, emoji, line separators and backslashes byte-exact, with one ETag, from a miss and a hit', async () => {
      const name = 'Mug “quoted” \\ "raw" 🍵 naïve \u2028 end';
      const description = 'Line one\nline two\u2029\t"tab" </script> é 😀 \\n literal \\u0000 escaped';
      const product = await createProduct(sut, staff, { name, description });

      const miss = await detail(product.id).expect(200);
      const hit = await detail(product.id).expect(200);

      expect(hit.text).toBe(miss.text);
      expect(hit.headers.etag).toBe(miss.headers.etag);
      expect(miss.body.data).toEqual(expect.objectContaining({ name, description }));
      expect(miss.text).toBe(JSON.stringify({ success: true, data: miss.body.data }));
      expect(Buffer.byteLength(miss.text)).toBe(Number(miss.headers['content-length']));
    });

    it('never answers 304 to an old ETag, nor sends the old price, after an update', async () => {
      const product = await createProduct(sut, staff, { priceCents: 1000 });
      const before = await detail(product.id).expect(200);
      await detail(product.id).expect(200);
      await detail(product.id, { 'If-None-Match': before.headers.etag }).expect(304);

      await sut
        .http()
        .patch(`${PRODUCTS}/${product.id.toUpperCase()}`)
        .auth(staff.token, { type: 'bearer' })
        .send({ priceCents: 1100, name: 'Renamed 🍵' })
        .expect(200);

      for (const id of [product.id, product.id.toUpperCase()]) {
        const after = await detail(id, { 'If-None-Match': before.headers.etag }).expect(200);
        expect(after.body.data).toEqual(expect.objectContaining({ priceCents: 1100, name: 'Renamed 🍵' }));
        expect(after.headers.etag).not.toBe(before.headers.etag);
        const again = await detail(id).expect(200);
        expect(again.text).toBe(after.text);
        expect(again.headers.etag).toBe(after.headers.etag);
      }
    });

    it.each([
      ['garbage', () => 'garbage'],
      ['an empty entry', () => ''],
      ['two bare line breaks', () => '\n\n'],
      [
        'the old Keyv format',
        (data: object) => JSON.stringify(JSON.stringify({ value: { ...data, priceCents: 1 }, expires: null })),
      ],
      ['a null header', () => 'null\n"forged"\n{"forged":true}'],
      ['an array header', () => '[]\n"forged"\nnot json'],
      ['a header without the entry’s tags', () => '{}\n"forged"\n{"forged":true}'],
      ['a header with other tags', () => '{"elsewhere":"0"}\n"forged"\n{"forged":true}'],
    ])('reads %s planted under the product’s key as a miss', async (_label, planted) => {
      const product = await createProduct(sut, staff, { priceCents: 4200 });
      const truth = await detail(product.id).expect(200);

      await backend().set(`products:detail:${product.id}`, planted(truth.body.data as object), 60_000);

      const read = await detail(product.id).expect(200);
      expect(read.text).toBe(truth.text);
      expect(read.headers.etag).toBe(truth.headers.etag);
      // The miss wrote a good entry back: the next read is a hit with the same bytes.
      expect((await detail(product.id).expect(200)).text).toBe(truth.text);
    });

    it('answers 404 for a deleted product, from a warm cache too, in either case of its id', async () => {
      const product = await createProduct(sut, staff);
      await detail(product.id).expect(200);
      await detail(product.id.toUpperCase()).expect(200);

      await sut.http().delete(`${PRODUCTS}/${product.id}`).auth(staff.token, { type: 'bearer' }).expect(204);

      await detail(product.id).expect(404);
      await detail(product.id.toUpperCase()).expect(404);
    });
  });

  describe('unknown query parameters are refused', () => {
    const get = (path: string, query: string, token?: string) => {
      // The document checker parses queries with `qs`, which drops inherited member names: those go unchecked.
      const hostile = /(^|&)(__proto__|constructor)/.test(query);
      const request = (hostile ? supertest(sut.app.getHttpServer()) : sut.http()).get(`${path}?${query}`);
      return token ? request.auth(token, { type: 'bearer' }) : request;
    };

    it.each([
      ['a product detail', 'x=1'],
      ['a product detail', 'x=1&x=2'],
      ['a product detail', 'a[b]=1'],
      ['a product detail', '__proto__=1'],
      ['a product detail', 'constructor=1'],
      ['the product list (DTO)', 'x=1'],
      ['the product list (DTO)', 'limt=5'],
      ['the product list (DTO)', 'a[b]=1'],
      ['the product list (DTO)', '__proto__[x]=1'],
      ['the caller (no DTO)', 'x=1'],
      ['the caller’s orders (DTO)', 'x=1'],
    ])('%s?%s → 422', async (route, query) => {
      const product = await createProduct(sut, staff);
      const path = {
        'a product detail': `${PRODUCTS}/${product.id}`,
        'the product list (DTO)': PRODUCTS,
        'the caller (no DTO)': '/api/v1/users/me',
        'the caller’s orders (DTO)': '/api/v1/orders',
      }[route] as string;
      const response = await get(path, query, customer.token).expect(422);
      expect(response.body.error.code).toBe('VALIDATION_ERROR');
    });

    it('accepts declared names, and refuses a declared name given twice or as an object without a 500', async () => {
      await get(PRODUCTS, 'pageSize=2&sort=name&q=mug').expect(200);
      await get('/api/v1/orders', 'status=pending&pageSize=5', customer.token).expect(200);
      for (const query of ['pageSize=1&pageSize=2', 'q=a&q=b', 'q[x]=1', 'sort[]=name', 'status[a]=pending']) {
        const path = query.startsWith('status') ? '/api/v1/orders' : PRODUCTS;
        const response = await get(path, query, customer.token);
        expect([200, 422]).toContain(response.status);
      }
    });
  });
});

/** Two app instances on one Postgres and one Redis: what one writes, the other reads at once. */
const withSharedServices = process.env.DATABASE_URL && process.env.REDIS_URL ? describe : describe.skip;

withSharedServices('Attacks across two replicas', () => {
  let a: TestApp;
  let b: TestApp;
  let staff: Actor;

  beforeAll(async () => {
    a = await createTestApp();
    b = await createTestApp({
      env: { DATABASE_URL: a.env.DATABASE_URL as string, REDIS_KEY_PREFIX: a.env.REDIS_KEY_PREFIX },
    });
    await Promise.all([waitForCache(a), waitForCache(b)]);
    staff = await actorWithRole(a, Role.Admin);
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const detail = (sut: TestApp, id: string, headers: Record<string, string> = {}) =>
    sut.http().get(`${PRODUCTS}/${id}`).set(headers);

  it('shows a new price on the other replica at once, never the old one nor a 304 for the old ETag', async () => {
    const product = await createProduct(a, staff, { priceCents: 1000 });
    for (const price of [1100, 1200, 1000, 1150]) {
      const old = await detail(b, product.id).expect(200);
      await detail(a, product.id).expect(200);
      await detail(b, product.id).expect(200);

      await a
        .http()
        .patch(`${PRODUCTS}/${product.id}`)
        .auth(staff.token, { type: 'bearer' })
        .send({ priceCents: price })
        .expect(200);

      const [onB, onA] = [
        await detail(b, product.id, { 'If-None-Match': old.headers.etag }).expect(200),
        await detail(a, product.id, { 'If-None-Match': old.headers.etag }).expect(200),
      ];
      expect(onB.body.data.priceCents).toBe(price);
      expect(onB.text).toBe(onA.text);
      expect(onB.headers.etag).toBe(onA.headers.etag);
    }
  });

  it('answers 404 on both replicas once a product is deleted on one', async () => {
    const product = await createProduct(a, staff);
    await Promise.all([detail(a, product.id).expect(200), detail(b, product.id).expect(200)]);
    await detail(b, product.id).expect(200);

    await b.http().delete(`${PRODUCTS}/${product.id}`).auth(staff.token, { type: 'bearer' }).expect(204);

    await detail(a, product.id).expect(404);
    await detail(b, product.id).expect(404);
  });

  it('never oversells across replicas: concurrent orders on both, over the same products', async () => {
    const products = await Promise.all([createProduct(a, staff, { stock: 7 }), createProduct(a, staff, { stock: 7 })]);
    const customer = await actorWithRole(a, Role.Customer);
    const [x, y] = products.map((product) => product.id);
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        placeOrder(i % 2 ? a : b, customer, [
          { productId: i % 3 ? x : y.toUpperCase(), quantity: 1 },
          { productId: i % 3 ? y : x, quantity: 1 },
        ]),
      ),
    );

    expect(responses.map((response) => response.status).filter((status) => status !== 201 && status !== 409)).toEqual(
      [],
    );
    for (const id of [x, y]) {
      const stock = await stockOf(a, id);
      expect(stock).toBeGreaterThanOrEqual(0);
      expect(stock + (await unitsInLiveOrders(a, id))).toBe(7);
    }
  }, 60_000);
});
