import { Role } from '../src/common/access/roles';
import { type Actor, actorWithRole, createProduct, productInput, uniqueSku } from './support/products';
import { createTestApp, type TestApp } from './support/test-app';

const PRODUCTS = '/api/v1/products';
const MALFORMED_ID = 'not-a-uuid';
const UNKNOWN_ID = '0b6f1c52-6a4e-4c59-9d0e-1f6a2b3c4d5e';

describe('Products: CRUD, permissions and validation', () => {
  let sut: TestApp;
  let admin: Actor;
  let staffA: Actor;
  let staffB: Actor;
  let customer: Actor;

  beforeAll(async () => {
    sut = await createTestApp();
    [admin, staffA, staffB, customer] = await Promise.all([
      actorWithRole(sut, Role.Admin),
      actorWithRole(sut, Role.Staff),
      actorWithRole(sut, Role.Staff),
      actorWithRole(sut, Role.Customer),
    ]);
  });

  afterAll(async () => {
    await sut.close();
  });

  const as = (actor: Actor) => ({
    post: (path: string) => sut.http().post(path).auth(actor.token, { type: 'bearer' }),
    patch: (path: string) => sut.http().patch(path).auth(actor.token, { type: 'bearer' }),
    delete: (path: string) => sut.http().delete(path).auth(actor.token, { type: 'bearer' }),
  });

  describe('create and read', () => {
    it('lets staff create a product, recorded as theirs, readable by anyone', async () => {
      const sku = uniqueSku('mug').toLowerCase();
      const response = await as(staffA)
        .post(PRODUCTS)
        .send({ sku: ` ${sku} `, name: ' Enamel mug ', category: ' Kitchen ', priceCents: 1299, stock: 7 })
        .expect(201);

      const product = response.body.data;
      expect(product).toEqual({
        id: expect.any(String),
        sku: sku.toUpperCase(),
        name: 'Enamel mug',
        description: null,
        category: 'kitchen',
        priceCents: 1299,
        stock: 7,
        createdById: staffA.id,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const detail = await sut.http().get(`${PRODUCTS}/${product.id}`).expect(200);
      expect(detail.body).toEqual({ success: true, data: product });
      const list = await sut
        .http()
        .get(PRODUCTS)
        .query({ category: 'KITCHEN', q: sku.slice(4) })
        .expect(200);
      expect(list.body.data).toEqual([product]);
      expect(list.body.meta).toEqual({ page: 1, pageSize: 20, total: 1, pages: 1, hasNext: false, hasPrev: false });
    });

    it('refuses anonymous callers (401) and customers (403)', async () => {
      await sut.http().post(PRODUCTS).send(productInput()).expect(401);
      const response = await as(customer).post(PRODUCTS).send(productInput()).expect(403);

      expect(response.body.error.code).toBe('PERMISSION_DENIED');
    });

    it('answers a taken sku with 409 naming the field, whatever its case and even once deleted', async () => {
      const product = await createProduct(sut, staffA);

      const duplicate = await as(staffB)
        .post(PRODUCTS)
        .send(productInput({ sku: (product.sku as string).toLowerCase() }))
        .expect(409);
      expect(duplicate.body.error).toMatchObject({
        code: 'RESOURCE_ALREADY_EXISTS',
        details: { resourceType: 'Product', field: 'sku' },
      });
      await as(admin).delete(`${PRODUCTS}/${product.id}`).expect(204);
      await as(staffA)
        .post(PRODUCTS)
        .send(productInput({ sku: product.sku }))
        .expect(409);
    });

    it('answers 409 for one of two concurrent creations with the same sku (unique index)', async () => {
      const sku = uniqueSku();
      const statuses = await Promise.all(
        [staffA, staffB].map((actor) =>
          as(actor)
            .post(PRODUCTS)
            .send(productInput({ sku }))
            .then((response) => response.status),
        ),
      );

      expect(statuses.sort()).toEqual([201, 409]);
    });
  });

  describe('update', () => {
    it('lets the creator (staff, products:update) edit their product', async () => {
      const product = await createProduct(sut, staffA, { priceCents: 1000 });

      const response = await as(staffA)
        .patch(`${PRODUCTS}/${product.id}`)
        .send({ name: 'Renamed', description: 'Now with a lid', category: null, priceCents: 1100 })
        .expect(200);

      expect(response.body.data).toMatchObject({
        name: 'Renamed',
        description: 'Now with a lid',
        category: null,
        priceCents: 1100,
      });
      expect(Date.parse(response.body.data.updatedAt)).toBeGreaterThanOrEqual(Date.parse(product.updatedAt as string));
    });

    it("refuses staff editing another staff member's product (403), and lets an admin do it", async () => {
      const product = await createProduct(sut, staffA);

      const denied = await as(staffB).patch(`${PRODUCTS}/${product.id}`).send({ name: 'Mine now' }).expect(403);
      expect(denied.body.error.code).toBe('PERMISSION_DENIED');
      await as(admin).patch(`${PRODUCTS}/${product.id}`).send({ name: 'Admin edit' }).expect(200);
      const detail = await sut.http().get(`${PRODUCTS}/${product.id}`).expect(200);
      expect(detail.body.data.name).toBe('Admin edit');
    });

    it('refuses customers and anonymous callers', async () => {
      const product = await createProduct(sut, staffA);

      await sut.http().patch(`${PRODUCTS}/${product.id}`).send({ name: 'x' }).expect(401);
      await as(customer).patch(`${PRODUCTS}/${product.id}`).send({ name: 'x' }).expect(403);
    });

    it('allows its creator prices within 20% of the reference but not beyond; an admin may set any', async () => {
      const product = await createProduct(sut, staffA, { priceCents: 10_000 });
      const path = `${PRODUCTS}/${product.id}`;

      await as(staffA).patch(path).send({ priceCents: 8_100 }).expect(200); // -19%
      await as(staffA).patch(path).send({ priceCents: 11_900 }).expect(200); // +19% of the reference 10000
      const denied = await as(staffA).patch(path).send({ priceCents: 12_100 }).expect(403); // +21% of 10000
      expect(denied.body.error).toMatchObject({
        code: 'PERMISSION_DENIED',
        details: { permission: 'products:admin', reason: 'price_change_too_large' },
      });
      await as(staffA).patch(path).send({ priceCents: 7_900 }).expect(403); // -21%
      const unchanged = await sut.http().get(path).expect(200);
      expect(unchanged.body.data.priceCents).toBe(11_900);
      await as(admin).patch(path).send({ priceCents: 12_100 }).expect(200);
      await as(admin).patch(path).send({ priceCents: 1 }).expect(200);
    });

    it('treats an empty change set as a no-op', async () => {
      const product = await createProduct(sut, staffA);

      const response = await as(staffA).patch(`${PRODUCTS}/${product.id}`).send({}).expect(200);

      expect(response.body.data).toEqual(product);
    });
  });

  describe('delete', () => {
    it('soft-deletes: the product is gone from details, lists, edits and stock changes', async () => {
      const category = `gone-${uniqueSku().slice(4).toLowerCase()}`;
      const product = await createProduct(sut, staffA, { category });
      const path = `${PRODUCTS}/${product.id}`;

      await as(customer).delete(path).expect(403);
      await as(staffB).delete(path).expect(204);

      await sut.http().get(path).expect(404);
      const list = await sut.http().get(PRODUCTS).query({ category }).expect(200);
      expect(list.body.data).toEqual([]);
      expect(list.body.meta.total).toBe(0);
      await as(staffA).patch(path).send({ name: 'x' }).expect(404);
      await as(staffA).post(`${path}/stock`).send({ delta: 1 }).expect(404);
      await as(staffB).delete(path).expect(404);
      const row = await sut.dataSource.query('SELECT deleted_at FROM products WHERE id = $1', [product.id]);
      expect(row[0].deleted_at).not.toBeNull();
    });

    it('answers 404 for an unknown id', async () => {
      await sut.http().get(`${PRODUCTS}/${UNKNOWN_ID}`).expect(404);
      await as(admin).delete(`${PRODUCTS}/${UNKNOWN_ID}`).expect(404);
    });
  });

  describe('stock', () => {
    it('adds and removes stock, and refuses to go below zero with 409 INSUFFICIENT_STOCK', async () => {
      const product = await createProduct(sut, staffA, { stock: 3 });
      const path = `${PRODUCTS}/${product.id}/stock`;

      const added = await as(staffB).post(path).send({ delta: 4 }).expect(200);
      expect(added.body.data).toMatchObject({ id: product.id, stock: 7 });
      await as(staffB).post(path).send({ delta: -7 }).expect(200);
      const refused = await as(staffB).post(path).send({ delta: -1 }).expect(409);

      expect(refused.body.error).toMatchObject({
        code: 'INSUFFICIENT_STOCK',
        details: { productId: product.id, requested: 1, available: 0 },
      });
      await as(customer).post(path).send({ delta: 1 }).expect(403);
    });

    it('never goes below zero under 50 concurrent decrements', async () => {
      const product = await createProduct(sut, staffA, { stock: 20 });
      const path = `${PRODUCTS}/${product.id}/stock`;

      const statuses = await Promise.all(
        Array.from({ length: 50 }, () =>
          as(staffA)
            .post(path)
            .send({ delta: -1 })
            .then((response) => response.status),
        ),
      );

      expect(statuses.filter((status) => status === 200)).toHaveLength(20);
      expect(statuses.filter((status) => status === 409)).toHaveLength(30);
      const detail = await sut.http().get(`${PRODUCTS}/${product.id}`).expect(200);
      expect(detail.body.data.stock).toBe(0);
      const [row] = await sut.dataSource.query('SELECT stock FROM products WHERE id = $1', [product.id]);
      expect(row.stock).toBe(0);
    });
  });

  describe('validation (422 VALIDATION_ERROR)', () => {
    const errorsOf = (body: { error: { code: string; details: { errors: unknown[] } } }) => {
      expect(body.error.code).toBe('VALIDATION_ERROR');
      return body.error.details.errors;
    };

    it.each([
      ['a negative price', { priceCents: -1 }, ['body', 'priceCents']],
      ['a fractional price', { priceCents: 10.5 }, ['body', 'priceCents']],
      ['a fractional stock', { stock: 1.5 }, ['body', 'stock']],
      ['a negative stock', { stock: -3 }, ['body', 'stock']],
      ['a price sent as a string', { priceCents: '1000' }, ['body', 'priceCents']],
      ['an empty name', { name: '   ' }, ['body', 'name']],
      ['a sku with spaces', { sku: 'A B' }, ['body', 'sku']],
      ['a missing sku', { sku: undefined }, ['body', 'sku']],
    ])('refuses %s on create', async (_label, override, loc) => {
      const response = await as(staffA).post(PRODUCTS).send(productInput(override)).expect(422);

      expect(errorsOf(response.body)).toEqual([expect.objectContaining({ loc })]);
    });

    it('refuses unknown fields on create and update (stock only changes through /stock)', async () => {
      const created = await as(staffA)
        .post(PRODUCTS)
        .send(productInput({ isFeatured: true }))
        .expect(422);
      expect(errorsOf(created.body)).toEqual([
        expect.objectContaining({ loc: ['body', 'isFeatured'], type: 'unknown_field' }),
      ]);
      const product = await createProduct(sut, staffA);
      const updated = await as(staffA).patch(`${PRODUCTS}/${product.id}`).send({ stock: 999 }).expect(422);
      expect(errorsOf(updated.body)).toEqual([
        expect.objectContaining({ loc: ['body', 'stock'], type: 'unknown_field' }),
      ]);
      await as(staffA).patch(`${PRODUCTS}/${product.id}`).send({ priceCents: null }).expect(422);
    });

    it('refuses a zero, fractional or missing stock delta', async () => {
      const product = await createProduct(sut, staffA);
      const path = `${PRODUCTS}/${product.id}/stock`;

      for (const body of [{ delta: 0 }, { delta: 1.5 }, {}, { delta: '-1' }]) {
        const response = await as(staffA).post(path).send(body).expect(422);
        expect(errorsOf(response.body)).toEqual([expect.objectContaining({ loc: ['body', 'delta'] })]);
      }
    });

    it('answers a malformed id with 422 on every route', async () => {
      const path = `${PRODUCTS}/${MALFORMED_ID}`;
      const responses = await Promise.all([
        sut.http().get(path),
        as(admin).patch(path).send({ name: 'x' }),
        as(admin).delete(path),
        as(admin).post(`${path}/stock`).send({ delta: 1 }),
      ]);

      for (const response of responses) {
        expect(response.status).toBe(422);
        expect(errorsOf(response.body)).toEqual([expect.objectContaining({ loc: ['path', 'id'] })]);
      }
    });

    it('refuses bad list filters', async () => {
      const cases: Array<[Record<string, string>, string[]]> = [
        [{ minPriceCents: '-1' }, ['query', 'minPriceCents']],
        [{ maxPriceCents: 'cheap' }, ['query', 'maxPriceCents']],
        [{ minPriceCents: '500', maxPriceCents: '100' }, ['query', 'minPriceCents']],
        [{ colour: 'red' }, ['query', 'colour']],
      ];
      for (const [query, loc] of cases) {
        const response = await sut.http().get(PRODUCTS).query(query).expect(422);
        expect(errorsOf(response.body)).toEqual([expect.objectContaining({ loc })]);
      }
    });
  });

  it('filters by search term (name or sku, case-insensitive, % and _ literal) and price range', async () => {
    const category = `filters-${uniqueSku().slice(4).toLowerCase()}`;
    const [cheap, pricey, percent] = [
      await createProduct(sut, staffA, { category, name: 'Blue Teapot', priceCents: 500 }),
      await createProduct(sut, staffA, { category, name: 'Red teapot', priceCents: 5000 }),
      await createProduct(sut, staffA, { category, name: '100% cotton towel', priceCents: 1500 }),
    ];
    const ids = async (query: Record<string, string | number>) => {
      const response = await sut
        .http()
        .get(PRODUCTS)
        .query({ category, sort: 'priceCents:asc', ...query })
        .expect(200);
      return (response.body.data as Array<{ id: string }>).map((product) => product.id);
    };

    expect(await ids({ q: 'TEAPOT' })).toEqual([cheap.id, pricey.id]);
    expect(await ids({ q: '0%' })).toEqual([percent.id]);
    expect(await ids({ q: '_' })).toEqual([]);
    expect(await ids({ q: (pricey.sku as string).toLowerCase() })).toEqual([pricey.id]);
    expect(await ids({ minPriceCents: 500, maxPriceCents: 1500 })).toEqual([cheap.id, percent.id]);
    expect(await ids({ minPriceCents: 1501 })).toEqual([pricey.id]);
    expect(await ids({ q: '  ' })).toEqual([cheap.id, percent.id, pricey.id]); // a cleared search box
  });
});
