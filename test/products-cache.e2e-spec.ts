import { setTimeout as sleep } from 'node:timers/promises';

import { Role } from '../src/common/access/roles';
import { ProductsService } from '../src/products/products.service';
import { metricValue } from './support/metrics';
import { PrivateRedis, redisServerAvailable } from './support/private-redis';
import { type Actor, actorWithRole, createProduct, uniqueSku, waitForCache } from './support/products';
import { createTestApp, type TestApp } from './support/test-app';

const PRODUCTS = '/api/v1/products';
const hits = (sut: TestApp) => metricValue(sut.app, 'cache_hits_total', { prefix: 'products' });
const uniqueCategory = () => `cat-${uniqueSku().slice(4).toLowerCase()}`;
const idsOf = (response: { body: { data: Array<{ id: string }> } }) => response.body.data.map((product) => product.id);

describe('Products through the cache', () => {
  let sut: TestApp;
  let admin: Actor;

  beforeAll(async () => {
    sut = await createTestApp();
    await waitForCache(sut);
    admin = await actorWithRole(sut, Role.Admin);
  });

  afterAll(async () => {
    await sut.close();
  });

  const detail = (id: string) => sut.http().get(`${PRODUCTS}/${id}`);
  const list = (category: string) => sut.http().get(PRODUCTS).query({ category, sort: 'name' });
  const write = () => ({
    patch: (id: string, body: object) =>
      sut.http().patch(`${PRODUCTS}/${id}`).auth(admin.token, { type: 'bearer' }).send(body).expect(200),
    stock: (id: string, delta: number) =>
      sut.http().post(`${PRODUCTS}/${id}/stock`).auth(admin.token, { type: 'bearer' }).send({ delta }).expect(200),
    remove: (id: string) => sut.http().delete(`${PRODUCTS}/${id}`).auth(admin.token, { type: 'bearer' }).expect(204),
  });

  /** Reads detail and list twice; the second reads must be cache hits (so later reads really go through the cache). */
  async function warm(id: string, category: string): Promise<void> {
    await detail(id).expect(200);
    await list(category).expect(200);
    const before = await hits(sut);
    await detail(id).expect(200);
    await list(category).expect(200);
    expect(await hits(sut)).toBe(before + 2);
  }

  it('serves repeated reads from the cache', async () => {
    const category = uniqueCategory();
    const product = await createProduct(sut, admin, { category });

    await warm(product.id, category);
  });

  it('shows a new price on the very next read of the detail and the lists', async () => {
    const category = uniqueCategory();
    const product = await createProduct(sut, admin, { category, priceCents: 1000 });

    for (const price of [1100, 5000, 10]) {
      await warm(product.id, category);
      await write().patch(product.id, { priceCents: price });

      expect((await detail(product.id).expect(200)).body.data.priceCents).toBe(price);
      expect((await list(category).expect(200)).body.data[0].priceCents).toBe(price);
    }
  });

  it('shows a stock change on the next read', async () => {
    const category = uniqueCategory();
    const product = await createProduct(sut, admin, { category, stock: 5 });
    await warm(product.id, category);

    await write().stock(product.id, -2);

    expect((await detail(product.id).expect(200)).body.data.stock).toBe(3);
    expect((await list(category).expect(200)).body.data[0].stock).toBe(3);
  });

  it('shows stock reserved and released by the service (orders) on the next read', async () => {
    const category = uniqueCategory();
    const product = await createProduct(sut, admin, { category, stock: 5 });
    const products = sut.app.get(ProductsService);

    await warm(product.id, category);
    await products.reserveStock([{ productId: product.id, quantity: 4 }]);
    expect((await detail(product.id).expect(200)).body.data.stock).toBe(1);
    expect((await list(category).expect(200)).body.data[0].stock).toBe(1);

    await warm(product.id, category);
    await products.releaseStock([{ productId: product.id, quantity: 4 }]);
    expect((await detail(product.id).expect(200)).body.data.stock).toBe(5);
    expect((await list(category).expect(200)).body.data[0].stock).toBe(5);
  });

  it('stops serving a deleted product at once, and lists a new one at once', async () => {
    const category = uniqueCategory();
    const first = await createProduct(sut, admin, { category, name: 'a first' });
    await warm(first.id, category);

    const second = await createProduct(sut, admin, { category, name: 'b second' });
    expect(idsOf(await list(category).expect(200))).toEqual([first.id, second.id]);

    await warm(first.id, category);
    await write().remove(first.id);
    await detail(first.id).expect(404);
    expect(idsOf(await list(category).expect(200))).toEqual([second.id]);
  });

  it('never shows the old price after a write returns, even with reads racing the write', async () => {
    const category = uniqueCategory();
    const product = await createProduct(sut, admin, { category, priceCents: 1000 });

    for (let round = 1; round <= 5; round += 1) {
      const price = 1000 + round;
      // .then() sends the request now (a supertest request is lazy until awaited).
      const racing = Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? detail(product.id) : list(category)).then((response) => response.status),
      );
      await write().patch(product.id, { priceCents: price });

      const [afterDetail, afterList] = await Promise.all([detail(product.id), list(category)]);
      expect(afterDetail.body.data.priceCents).toBe(price);
      expect(afterList.body.data[0].priceCents).toBe(price);
      expect(await Promise.all(racing)).toEqual(Array.from({ length: 10 }, () => 200));
    }
  });

  describe('conditional GET', () => {
    it('sends a strong ETag and Cache-Control, and answers If-None-Match with 304 and no body', async () => {
      const product = await createProduct(sut, admin);

      const first = await detail(product.id).expect(200);
      const etag = first.headers.etag;
      expect(etag).toMatch(/^"[^"]+"$/);
      expect(first.headers['cache-control']).toBe('public, max-age=0, must-revalidate');

      const revalidated = await detail(product.id).set('If-None-Match', etag).expect(304);
      expect(revalidated.text).toBe('');
      expect(revalidated.headers.etag).toBe(etag);
      expect(revalidated.headers['cache-control']).toBe('public, max-age=0, must-revalidate');
      await detail(product.id).set('If-None-Match', `"other", W/${etag}`).expect(304);
    });

    it('answers an outdated ETag with the new representation and a new ETag', async () => {
      const product = await createProduct(sut, admin, { priceCents: 1000 });
      const etag = (await detail(product.id).expect(200)).headers.etag;

      await write().patch(product.id, { priceCents: 1100 });

      const response = await detail(product.id).set('If-None-Match', etag).expect(200);
      expect(response.body.data.priceCents).toBe(1100);
      expect(response.headers.etag).not.toBe(etag);
    });

    it('answers 404, not 304, for a deleted product whatever the ETag', async () => {
      const product = await createProduct(sut, admin);
      const etag = (await detail(product.id).expect(200)).headers.etag;

      await write().remove(product.id);

      await detail(product.id).set('If-None-Match', etag).expect(404);
      await detail(product.id).set('If-None-Match', '*').expect(404);
    });
  });
});

const describeOutage = redisServerAvailable() ? describe : describe.skip;

describeOutage('Products during a Redis outage', () => {
  let redis: PrivateRedis;
  let sut: TestApp;
  let admin: Actor;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    sut = await createTestApp({ env: { REDIS_URL: redis.url, CACHE_BACKEND: 'redis' } });
    await waitForCache(sut);
    admin = await actorWithRole(sut, Role.Admin);
  });

  afterAll(async () => {
    await sut.close();
    await redis.stop();
  });

  const errors = () => metricValue(sut.app, 'cache_errors_total', { backend: 'redis' });
  const redisHits = () => metricValue(sut.app, 'cache_hits_total', { backend: 'redis', prefix: 'products' });

  it('keeps serving reads and writes from Postgres, counts the errors, and caches again once Redis is back', async () => {
    const category = uniqueCategory();
    const product = await createProduct(sut, admin, { category, priceCents: 1000, stock: 10 });
    await sut.http().get(`${PRODUCTS}/${product.id}`).expect(200);

    await redis.kill();
    const errorsBefore = await errors();
    const auth = { type: 'bearer' } as const;
    const responses = [
      await sut.http().get(`${PRODUCTS}/${product.id}`),
      await sut.http().get(PRODUCTS).query({ category }),
      await sut.http().patch(`${PRODUCTS}/${product.id}`).auth(admin.token, auth).send({ priceCents: 1100 }),
      await sut.http().post(`${PRODUCTS}/${product.id}/stock`).auth(admin.token, auth).send({ delta: -1 }),
      await sut
        .http()
        .post(PRODUCTS)
        .auth(admin.token, auth)
        .send({ sku: uniqueSku(), name: 'n', priceCents: 1, stock: 1 }),
      await sut.http().get(`${PRODUCTS}/${product.id}`),
    ];
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 201, 200]);
    expect(responses[5].body.data).toMatchObject({ priceCents: 1100, stock: 9 });
    expect(await errors()).toBeGreaterThan(errorsBefore);

    await redis.resume();
    await waitForCache(sut);
    await expectCachingResumes(sut, product.id, redisHits);
    expect((await sut.http().get(`${PRODUCTS}/${product.id}`).expect(200)).body.data).toMatchObject({
      priceCents: 1100,
      stock: 9,
    });
  }, 60_000);
});

/**
 * Caching is back when a second identical read is a hit (no database load). Until the
 * invalidations that failed during the outage have been retried, the service reads around the
 * cache on purpose, so this polls for a few seconds.
 */
async function expectCachingResumes(sut: TestApp, id: string, hitCount: () => Promise<number>): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    await sut.http().get(`${PRODUCTS}/${id}`).expect(200);
    const before = await hitCount();
    await sut.http().get(`${PRODUCTS}/${id}`).expect(200);
    if ((await hitCount()) === before + 1) return;
    await sleep(250);
  }
  throw new Error('caching did not resume after Redis came back');
}
