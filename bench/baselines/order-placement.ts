/**
 * B3 baseline: `POST /api/v1/orders` as one raw-SQL transaction through a `pg` pool of the
 * application's size: take the stock of each line with a conditional UPDATE (in product-id order,
 * like the application, so concurrent orders cannot deadlock), insert the order and its items,
 * insert the two outbox events; 409 when a line is short. It works on copies of the tables in
 * their own schema (BARE_SCHEMA), so the application's outbox dispatcher never sees its events.
 * The caller is named by an `x-user-id` header: authentication is part of what the application
 * side pays for and this side does not.
 */
import { randomUUID } from 'node:crypto';

import pg from 'pg';

import { readBody, requireEnv, sendJson, serve } from './bare-server';

const schema = requireEnv('BARE_SCHEMA');
const pool = new pg.Pool({ connectionString: requireEnv('DATABASE_URL'), max: Number(requireEnv('POOL_SIZE')) });

interface OrderInput {
  items: Array<{ productId: string; quantity: number }>;
  paymentMethod: string;
}

interface TakenLine {
  productId: string;
  sku: string;
  name: string;
  unitPriceCents: number;
  quantity: number;
  lineTotalCents: number;
}

serve(
  'order-placement',
  async (req, res) => {
    if (req.method !== 'POST' || req.url !== '/api/v1/orders') return sendJson(res, 404, '{}');
    const input = JSON.parse(await readBody(req)) as OrderInput;
    const userId = String(req.headers['x-user-id']);
    const lines = [...input.items].sort((a, b) => (a.productId < b.productId ? -1 : 1));
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const taken = await takeStock(client, lines);
      if (!taken) {
        await client.query('ROLLBACK');
        return sendJson(res, 409, '{"success":false,"error":{"code":"INSUFFICIENT_STOCK"}}');
      }
      const body = await insertOrder(client, userId, input.paymentMethod, taken);
      await client.query('COMMIT');
      sendJson(res, 201, JSON.stringify({ success: true, data: body }));
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  },
  () => pool.end(),
);

async function takeStock(client: pg.PoolClient, lines: OrderInput['items']): Promise<TakenLine[] | null> {
  const taken: TakenLine[] = [];
  for (const line of lines) {
    const { rows } = await client.query<{ sku: string; name: string; price_cents: number }>(
      `UPDATE ${schema}.products SET stock = stock - $2, updated_at = now()
       WHERE id = $1 AND deleted_at IS NULL AND stock >= $2 RETURNING sku, name, price_cents`,
      [line.productId, line.quantity],
    );
    if (rows.length === 0) return null;
    const unitPriceCents = rows[0].price_cents;
    taken.push({
      productId: line.productId,
      sku: rows[0].sku,
      name: rows[0].name,
      unitPriceCents,
      quantity: line.quantity,
      lineTotalCents: unitPriceCents * line.quantity,
    });
  }
  return taken;
}

async function insertOrder(client: pg.PoolClient, userId: string, paymentMethod: string, lines: TakenLine[]) {
  const totalCents = lines.reduce((sum, line) => sum + line.lineTotalCents, 0);
  const { rows } = await client.query<{ id: string; status: string; created_at: Date; updated_at: Date }>(
    `INSERT INTO ${schema}.orders (user_id, total_cents, payment_method) VALUES ($1, $2, $3)
     RETURNING id, status, created_at, updated_at`,
    [userId, totalCents, paymentMethod],
  );
  const order = rows[0];
  const values = lines.map(
    (_, i) => `($1, $${i * 6 + 2}, $${i * 6 + 3}, $${i * 6 + 4}, $${i * 6 + 5}, $${i * 6 + 6}, $${i * 6 + 7})`,
  );
  await client.query(
    `INSERT INTO ${schema}.order_items (order_id, product_id, sku, name, unit_price_cents, quantity, line_total_cents)
     VALUES ${values.join(', ')}`,
    [order.id, ...lines.flatMap((l) => [l.productId, l.sku, l.name, l.unitPriceCents, l.quantity, l.lineTotalCents])],
  );
  const items = lines.map(({ productId, quantity }) => ({ productId, quantity }));
  const context = JSON.stringify({ userId });
  await client.query(
    `INSERT INTO ${schema}.outbox_events (id, name, payload, context, occurred_at)
     VALUES ($1, 'order.created', $2, $5, now()), ($3, 'inventory.reserved', $4, $5, now())`,
    [
      randomUUID(),
      JSON.stringify({ orderId: order.id, userId, totalCents, items }),
      randomUUID(),
      JSON.stringify({ orderId: order.id, userId, totalCents, paymentMethod, items }),
      context,
    ],
  );
  return {
    id: order.id,
    userId,
    status: order.status,
    totalCents,
    paymentMethod,
    notes: null,
    failureReason: null,
    items: lines,
    createdAt: order.created_at.toISOString(),
    updatedAt: order.updated_at.toISOString(),
  };
}
