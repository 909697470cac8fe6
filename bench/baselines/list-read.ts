/**
 * B2 baseline: `GET /api/v1/products?limit=20&sort=createdAt:desc` as the same keyset SQL through
 * a `pg` pool of the application's size, rows mapped to the same JSON (including the signed
 * next-page cursor, so the bytes match the application's; the runner checks that they do).
 */
import { createHmac, hkdfSync } from 'node:crypto';

import pg from 'pg';

import { requireEnv, sendJson, serve } from './bare-server';

const PAGE_SIZE = 20;
const SORT = 'createdAt:desc';
const pool = new pg.Pool({ connectionString: requireEnv('DATABASE_URL'), max: Number(requireEnv('POOL_SIZE')) });
const cursorKey = Buffer.from(
  hkdfSync('sha256', requireEnv('JWT_SECRET'), Buffer.alloc(0), 'pagination-cursor/v1', 32),
);

interface ProductRow {
  id: string;
  sku: string;
  name: string;
  description: string | null;
  category: string | null;
  price_cents: number;
  stock: number;
  created_by_id: string;
  created_at: Date;
  updated_at: Date;
}

serve(
  'list-read',
  async (req, res) => {
    if (req.method !== 'GET' || !req.url?.startsWith('/api/v1/products?')) return sendJson(res, 404, '{}');
    const { rows } = await pool.query<ProductRow>(
      `SELECT id, sku, name, description, category, price_cents, stock, created_by_id, created_at, updated_at
       FROM products WHERE deleted_at IS NULL ORDER BY created_at DESC, id DESC LIMIT ${PAGE_SIZE + 1}`,
    );
    const items = rows.slice(0, PAGE_SIZE);
    const last = items[items.length - 1];
    const hasNext = rows.length > PAGE_SIZE && last !== undefined;
    const nextCursor = hasNext ? encodeCursor([last.created_at.toISOString()], last.id) : null;
    const data = items.map((row) => ({
      id: row.id,
      sku: row.sku,
      name: row.name,
      description: row.description,
      category: row.category,
      priceCents: row.price_cents,
      stock: row.stock,
      createdById: row.created_by_id,
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    }));
    sendJson(res, 200, JSON.stringify({ success: true, data, meta: { limit: PAGE_SIZE, nextCursor, hasNext } }));
  },
  () => pool.end(),
);

function encodeCursor(values: string[], id: string): string {
  const payload = Buffer.from(JSON.stringify({ s: SORT, v: values, i: id })).toString('base64url');
  const signature = createHmac('sha256', cursorKey).update(payload).digest().subarray(0, 16).toString('base64url');
  return `${payload}.${signature}`;
}
