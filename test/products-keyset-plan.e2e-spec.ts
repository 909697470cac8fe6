import { type ObjectLiteral, SelectQueryBuilder } from 'typeorm';

import { Role } from '../src/common/access/roles';
import { actorWithRole } from './support/products';
import { createTestApp, type TestApp } from './support/test-app';

const ROWS = 5000;

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Index Cond'?: string;
  'Scan Direction'?: string;
  Plans?: PlanNode[];
}

function nodesOf(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodesOf)];
}

/**
 * Keyset pages must be index range scans that start at the cursor: no sort, no walk from the start
 * of the index. Checked on the SQL the application really sends for page 2 of each sort order.
 */
describe('Keyset page query plans', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await createTestApp();
    const staff = await actorWithRole(sut, Role.Staff);
    await sut.dataSource.query(
      `INSERT INTO products (sku, name, price_cents, stock, created_by_id, created_at)
       SELECT 'PLAN-' || g, 'name ' || (g % 997), (g * 7919) % 10000, 1, $1, now() - g * interval '1 second'
       FROM generate_series(1, ${ROWS}) AS g`,
      [staff.id],
    );
    await sut.dataSource.query('ANALYZE products');
  });

  afterAll(async () => {
    await sut.close();
  });

  /** The SQL and parameters of the list query behind GET /products?{query}. */
  async function listQuery(query: Record<string, string | number>): Promise<[string, unknown[]]> {
    const captured: Array<[string, unknown[]]> = [];
    const getMany = SelectQueryBuilder.prototype.getMany;
    const spy = jest.spyOn(SelectQueryBuilder.prototype, 'getMany').mockImplementation(function (
      this: SelectQueryBuilder<ObjectLiteral>,
    ) {
      captured.push(this.getQueryAndParameters());
      return getMany.call(this);
    });
    try {
      await sut.http().get('/api/v1/products').query(query).expect(200);
    } finally {
      spy.mockRestore();
    }
    expect(captured).toHaveLength(1);
    return captured[0];
  }

  it.each([
    ['priceCents:asc', 'ix_products_price_cents_id', 'Forward'],
    ['priceCents:desc', 'ix_products_price_cents_id', 'Backward'],
    ['name:asc', 'ix_products_name_id', 'Forward'],
    ['createdAt:desc', 'ix_products_created_at_id', 'Backward'],
    ['createdAt:asc', 'ix_products_created_at_id', 'Forward'],
  ])('sort=%s reads %s from the cursor on', async (sort, index, direction) => {
    const first = await sut.http().get('/api/v1/products').query({ sort, limit: 20 }).expect(200);
    const [sql, parameters] = await listQuery({ sort, limit: 20, cursor: first.body.meta.nextCursor as string });

    type Explained = [{ 'QUERY PLAN': [{ Plan: PlanNode }] }];
    const [explained] = await sut.dataSource.query<Explained>(`EXPLAIN (FORMAT JSON) ${sql}`, parameters);
    const plan = explained['QUERY PLAN'][0].Plan;

    const nodes = nodesOf(plan);
    expect(nodes.map((node) => node['Node Type'])).not.toContain('Sort');
    const scan = nodes.find((node) => node['Index Name'] === index);
    expect(scan).toMatchObject({ 'Scan Direction': direction, 'Index Cond': expect.any(String) });
  });
});
