import argon2 from 'argon2';

import { withClient } from './scratch';

/** What the scenarios read and write, created by SQL in the migrated scratch database. */
export interface Fixtures {
  /** A product outside the hot set: B1 reads it, nothing writes it. */
  readonly readProductId: string;
  /** The products every B3 order takes stock from (copied into the baseline's schema). */
  readonly hotProductIds: readonly string[];
  readonly customers: ReadonlyArray<{ readonly id: string; readonly email: string }>;
}

export const CUSTOMER_PASSWORD = 'Bench-Customer-2026';
export const BARE_SCHEMA = 'bench_bare';
export const HOT_PRODUCTS = 10;
/** Enough for every measured round: stock runs out only in the sell-out check. */
export const HOT_STOCK = 1_000_000;
const BARE_TABLES = ['products', 'orders', 'order_items', 'outbox_events'];

export async function seedFixtures(databaseUrl: string, productCount: number, customers: number): Promise<Fixtures> {
  // One hash for every account: logging in still verifies it, and seeding costs one argon2 run.
  const hash = await argon2.hash(CUSTOMER_PASSWORD, { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2 });
  return withClient(databaseUrl, async (client) => {
    const { rows: owners } = await client.query<{ id: string }>(
      `INSERT INTO users (email, username, password_hash, role)
       VALUES ('bench-staff@example.com', 'bench_staff', $1, 'staff') RETURNING id`,
      [hash],
    );
    const { rows: accounts } = await client.query<{ id: string; email: string }>(
      `INSERT INTO users (email, username, password_hash, role)
       SELECT 'bench-customer-' || g || '@example.com', 'bench_customer_' || g, $1, 'customer'
       FROM generate_series(1, $2::int) AS g RETURNING id, email`,
      [hash, customers],
    );
    // Catalogue rows oldest first; the hot products are the oldest, so the newest page (B2) never changes.
    await client.query(
      `INSERT INTO products (sku, name, description, category, price_cents, stock, created_by_id, created_at)
       SELECT 'BENCH-' || lpad(g::text, 6, '0'), 'Product ' || g, 'Benchmark product number ' || g,
              'category-' || (g % 20), 100 + (g * 7919) % 100000,
              CASE WHEN g <= $3 THEN $4 ELSE 100 END, $1,
              timestamptz '2026-01-01' + g * interval '1 second'
       FROM generate_series(1, $2::int) AS g`,
      [owners[0].id, productCount, HOT_PRODUCTS, HOT_STOCK],
    );
    const { rows: hot } = await client.query<{ id: string }>(`SELECT id FROM products ORDER BY created_at LIMIT $1`, [
      HOT_PRODUCTS,
    ]);
    const { rows: read } = await client.query<{ id: string }>(
      `SELECT id FROM products ORDER BY created_at LIMIT 1 OFFSET $1`,
      [HOT_PRODUCTS],
    );
    await copyTablesForBaseline(client);
    await client.query('ANALYZE');
    return { readProductId: read[0].id, hotProductIds: hot.map((row) => row.id), customers: accounts };
  });
}

/** The baseline of B3 writes to copies of the order tables (same columns, defaults, checks, indexes). */
async function copyTablesForBaseline(client: import('pg').Client): Promise<void> {
  await client.query(`CREATE SCHEMA ${BARE_SCHEMA}`);
  for (const table of BARE_TABLES) {
    await client.query(`CREATE TABLE ${BARE_SCHEMA}.${table} (LIKE public.${table} INCLUDING ALL)`);
  }
  await client.query(
    `ALTER TABLE ${BARE_SCHEMA}.order_items ADD FOREIGN KEY (order_id) REFERENCES ${BARE_SCHEMA}.orders (id) ON DELETE CASCADE`,
  );
  await client.query(`INSERT INTO ${BARE_SCHEMA}.products SELECT * FROM products WHERE stock = ${HOT_STOCK}`);
}

/**
 * Stock left on the hot products and units held by live orders (a failed or cancelled order has
 * given its stock back), on either side. Between two readings, units sold must equal the stock
 * given up: more would be overselling.
 */
export async function stockLedger(
  databaseUrl: string,
  schema: string,
  productIds: readonly string[],
): Promise<{ stockLeft: number; unitsSold: number; orders: number }> {
  return withClient(databaseUrl, async (client) => {
    const { rows } = await client.query<{ stock_left: string; units_sold: string; orders: string }>(
      `SELECT (SELECT coalesce(sum(stock), 0) FROM ${schema}.products WHERE id = ANY($1)) AS stock_left,
              (SELECT coalesce(sum(i.quantity), 0) FROM ${schema}.order_items i JOIN ${schema}.orders o ON o.id = i.order_id
                WHERE i.product_id = ANY($1) AND o.status NOT IN ('payment_failed', 'cancelled')) AS units_sold,
              (SELECT count(*) FROM ${schema}.orders) AS orders`,
      [productIds],
    );
    return {
      stockLeft: Number(rows[0].stock_left),
      unitsSold: Number(rows[0].units_sold),
      orders: Number(rows[0].orders),
    };
  });
}

export async function setHotStock(databaseUrl: string, schema: string, ids: readonly string[], stock: number) {
  await withClient(databaseUrl, (client) =>
    client.query(`UPDATE ${schema}.products SET stock = $2 WHERE id = ANY($1)`, [ids, stock]),
  );
}
