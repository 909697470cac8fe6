import pg from 'pg';

import { type AppProcess, spawnApp, waitUntilReady } from './app-process';
import { call, newCustomer, tokenFor } from './http-client';
import type { TestDatabase } from './test-database';

/** The process suites that take dependencies away need a real Postgres and Redis. */
export function describeWithServices(suite: string): jest.Describe {
  const configured = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);
  if (!configured) process.stdout.write(`${suite}: skipped (set DATABASE_URL and REDIS_URL to run it)\n`);
  return configured ? describe : describe.skip;
}

/** What every app process of these suites shares: its database, demo accounts, quiet JSON logs, no limits in the way. */
export function baseEnv(database: TestDatabase, keyPrefix: string): Record<string, string> {
  return {
    ...database.env,
    REDIS_URL: process.env.REDIS_URL ?? '',
    REDIS_KEY_PREFIX: `${keyPrefix}-${process.pid}:`,
    SEED_DEMO_DATA: 'true',
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_DEFAULT_LIMIT: '100000',
    RATE_LIMIT_ADDRESS_LIMIT: '100000',
    RATE_LIMIT_BURST_LIMIT: '0',
    RATE_LIMIT_AUTH_LIMIT: '1000',
    RATE_LIMIT_ACCOUNT_LIMIT: '1000',
    RATE_LIMIT_ACCOUNT_CEILING: '100000',
  };
}

/** Starts the built app with `env` and resolves once it reports ready. */
export async function startReady(env: Record<string, string>, readyWithinMs = 30_000): Promise<AppProcess> {
  const app = await spawnApp(env);
  await waitUntilReady(app, readyWithinMs);
  return app;
}

export const adminToken = (app: AppProcess) => tokenFor(app, 'admin@example.com', 'Admin#Demo2026');

export async function customerToken(app: AppProcess, label: string): Promise<string> {
  const credentials = await newCustomer(app, label);
  return tokenFor(app, credentials.email, credentials.password);
}

/** Creates a product through the API and returns its id. */
export async function createProduct(app: AppProcess, admin: string, label: string, stock: number): Promise<string> {
  const response = await call<{ id: string }>(app, 'POST', '/api/v1/products', {
    token: admin,
    body: {
      sku: `${label}-${Date.now()}-${Math.random().toString(16).slice(2, 6)}`,
      name: label,
      priceCents: 500,
      stock,
    },
  });
  if (response.status !== 201) throw new Error(`product creation failed with ${response.status}`);
  return response.body.data.id;
}

/** POST /orders of one product line; the response as it came (callers check the status). */
export function placeOrder(
  app: AppProcess,
  token: string,
  productId: string,
  { quantity = 1, paymentMethod = 'tok_ok' }: { quantity?: number; paymentMethod?: string } = {},
) {
  return call<{ id: string; status: string }>(app, 'POST', '/api/v1/orders', {
    token,
    body: { items: [{ productId, quantity }], paymentMethod },
  });
}

export async function connect(database: TestDatabase): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: database.connectionString });
  await client.connect();
  return client;
}

export async function stockOf(db: pg.Client, productId: string): Promise<number> {
  const { rows } = await db.query<{ stock: number }>('SELECT stock FROM products WHERE id = $1', [productId]);
  return rows[0].stock;
}

export async function orderStatuses(db: pg.Client, ids: readonly string[]): Promise<Map<string, string>> {
  const { rows } = await db.query<{ id: string; status: string }>('SELECT id, status FROM orders WHERE id = ANY($1)', [
    ids,
  ]);
  return new Map(rows.map((row) => [row.id, row.status]));
}

/** How many times a handler ran to completion for the events of these orders (processed_events). */
export async function handledCount(db: pg.Client, handler: string, orderIds: readonly string[]): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM processed_events p JOIN outbox_events o ON o.id = p.event_id
      WHERE p.handler = $1 AND o.payload->>'orderId' = ANY($2)`,
    [handler, orderIds],
  );
  return Number(rows[0].n);
}
