import { DemoDataSeeder } from '../src/seed/demo-data.seeder';
import { DEMO_PRODUCTS } from '../src/seed/demo-products';
import { createTestApp, type TestApp } from './support/test-app';

describe('Demo products', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await createTestApp({ env: { SEED_DEMO_DATA: 'true' } });
  });

  afterAll(async () => {
    await sut.close();
  });

  it('are created at start-up by the demo admin, once, whatever the number of runs', async () => {
    const response = await sut.http().get('/api/v1/products').query({ pageSize: 100 }).expect(200);
    await sut.app.get(DemoDataSeeder).seed();

    const products = response.body.data as Array<{ sku: string; createdById: string }>;
    expect(products.map((product) => product.sku).sort()).toEqual(DEMO_PRODUCTS.map((product) => product.sku).sort());
    const [admin] = await sut.dataSource.query(`SELECT id FROM users WHERE email = 'admin@example.com'`);
    expect(new Set(products.map((product) => product.createdById))).toEqual(new Set([admin.id]));
    const [{ count }] = await sut.dataSource.query('SELECT count(*)::int AS count FROM products');
    expect(count).toBe(DEMO_PRODUCTS.length);
  });
});
