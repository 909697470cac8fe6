/**
 * `npm run bench:products`: what the product cache and keyset pagination buy, measured over HTTP
 * against the compiled app (dist/main.js) on loopback.
 *
 * 1. GET /api/v1/products/:id throughput, cached (Redis with REDIS_URL, else in-process) vs
 *    uncached (CACHE_BACKEND=none).
 * 2. GET /api/v1/products latency at page 1 and at a deep page (row 100,000 of 100,000 products
 *    seeded by SQL), OFFSET vs keyset, on the uncached app so every request reaches Postgres.
 *
 * Uses a throw-away database next to DATABASE_URL (dropped afterwards), or an embedded Postgres
 * when DATABASE_URL is unset (serial; fine for a smoke run, not for figures).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import type { ConfigService } from '@nestjs/config';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';

import { CursorCodec } from '../src/common/pagination/cursor-codec';
import type { AllConfig } from '../src/config';
import { EmbeddedPostgres } from '../src/platform/database/embedded-postgres';
import { freePort } from './suite/processes';
import { adminQuery, withClient, withDatabase } from './suite/scratch';

const PRODUCT_COUNT = 100_000;
const PAGE_SIZE = 20;
const DEEP_PAGE = PRODUCT_COUNT / PAGE_SIZE; // the last page: OFFSET skips 99,980 rows
const DETAIL = { connections: 8, seconds: 3, rounds: 3 };
const LIST = { connections: 4, seconds: 3, rounds: 1 };
const EXPLAIN_REPEATS = 5;
const TIME_LIMIT_MS = 150_000;
const JWT_SECRET = randomBytes(32).toString('base64');
const REDIS_KEY_PREFIX = `bench:${randomBytes(4).toString('hex')}:`;

interface Database {
  readonly url: string;
  readonly label: string;
  /** The embedded server must be used through one connection (see docs/decisions/0002). */
  readonly poolSize: number;
  dispose(): Promise<void>;
}

type CacheBackend = 'redis' | 'memory' | 'none';

interface App {
  readonly baseUrl: string;
  readonly backend: CacheBackend;
  stop(): Promise<void>;
}

interface Measurement {
  readonly label: string;
  readonly requestsPerSecond: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly failures: number;
  readonly note?: string;
}

const running = new Set<ChildProcess>();

async function main(): Promise<void> {
  const limit = setTimeout(() => abort(`took longer than ${TIME_LIMIT_MS / 1000} s`), TIME_LIMIT_MS).unref();
  const database = await openDatabase();
  const backends: CacheBackend[] = process.env.REDIS_URL ? ['redis', 'memory', 'none'] : ['memory', 'none'];
  console.log(`database: ${database.label}; ${PRODUCT_COUNT} products; machine load ${loadAverage()}`);
  try {
    const first = await startApp(database, backends[0]); // applies the migrations
    const productId = await seed(database.url);
    const apps = [first, ...(await Promise.all(backends.slice(1).map((backend) => startApp(database, backend))))];
    const detail = await measureDetail(apps, productId);
    const uncached = apps[apps.length - 1];
    const lists = await measureLists(uncached.baseUrl, database.url);
    await Promise.all(apps.map((app) => app.stop()));

    printTable(`GET /api/v1/products/:id (apps side by side, measured in turn, ${DETAIL.rounds} rounds)`, detail);
    printTable(`GET /api/v1/products (pageSize ${PAGE_SIZE}, sort createdAt:desc, uncached app)`, lists);
    await printQueryTimes(database.url);
    console.log(`\nmachine load at the end: ${loadAverage()}`);
  } finally {
    await Promise.all([...running].map((child) => stopChild(child)));
    await deleteRedisKeys();
    await database.dispose();
    clearTimeout(limit);
  }
}

/** Alternates between the apps round by round, so drifting background load hits each of them alike. */
async function measureDetail(apps: App[], productId: string): Promise<Measurement[]> {
  const rounds: Measurement[][] = apps.map(() => []);
  for (let round = 0; round < DETAIL.rounds; round += 1) {
    for (const [i, app] of apps.entries()) {
      const label = app.backend === 'none' ? 'uncached (Postgres)' : `cached (${app.backend})`;
      rounds[i].push(await measure(label, `${app.baseUrl}/api/v1/products/${productId}`, DETAIL, round === 0));
    }
  }
  return Promise.all(
    apps.map(async (app, i) => ({
      ...combine(rounds[i]),
      note: app.backend === 'none' ? '' : `hit ratio ${(100 * (await productHitRatio(app.baseUrl))).toFixed(1)}%`,
    })),
  );
}

function combine(rounds: Measurement[]): Measurement {
  const mean = (pick: (m: Measurement) => number) => rounds.reduce((sum, m) => sum + pick(m), 0) / rounds.length;
  return {
    label: rounds[0].label,
    requestsPerSecond: mean((m) => m.requestsPerSecond),
    meanMs: mean((m) => m.meanMs),
    p50Ms: mean((m) => m.p50Ms),
    p99Ms: Math.max(...rounds.map((m) => m.p99Ms)),
    failures: rounds.reduce((sum, m) => sum + m.failures, 0),
  };
}

/** OFFSET and keyset at page 1 and at the deep page; the two deep pages must hold the same rows. */
async function measureLists(baseUrl: string, databaseUrl: string): Promise<Measurement[]> {
  const list = `${baseUrl}/api/v1/products?sort=createdAt:desc`;
  const deepCursor = await cursorBefore((DEEP_PAGE - 1) * PAGE_SIZE, databaseUrl);
  const urls = {
    offsetFirst: `${list}&page=1&pageSize=${PAGE_SIZE}`,
    offsetDeep: `${list}&page=${DEEP_PAGE}&pageSize=${PAGE_SIZE}`,
    keysetFirst: `${list}&limit=${PAGE_SIZE}`,
    keysetDeep: `${list}&limit=${PAGE_SIZE}&cursor=${encodeURIComponent(deepCursor)}`,
  };
  await expectSameRows(urls.offsetDeep, urls.keysetDeep);
  return [
    await measure('OFFSET, page 1', urls.offsetFirst, LIST),
    await measure(`OFFSET, page ${DEEP_PAGE}`, urls.offsetDeep, LIST),
    await measure('keyset, page 1', urls.keysetFirst, LIST),
    await measure(`keyset, page ${DEEP_PAGE}`, urls.keysetDeep, LIST),
  ];
}

async function openDatabase(): Promise<Database> {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    const name = `${new URL(serverUrl).pathname.slice(1)}_bench_${randomBytes(3).toString('hex')}`;
    await adminQuery(serverUrl, `CREATE DATABASE "${name}"`);
    return {
      url: withDatabase(serverUrl, name),
      label: `Postgres (${new URL(serverUrl).host}, scratch database ${name})`,
      poolSize: 10,
      dispose: () => adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
    };
  }
  const dir = await mkdtemp(join(tmpdir(), 'commerce-bench-'));
  const embedded = await EmbeddedPostgres.start(dir, 4);
  const { host, port, username, database } = embedded.endpoint;
  return {
    url: `postgres://${username}@${host}:${port}/${database}`,
    label: 'embedded PGlite (serial: set DATABASE_URL for meaningful figures)',
    poolSize: 1,
    dispose: async () => {
      await embedded.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** 100k products (many per timestamp, so the id tiebreaker matters) created by one staff user. */
async function seed(databaseUrl: string): Promise<string> {
  return withClient(databaseUrl, async (client) => {
    const started = Date.now();
    const { rows: users } = await client.query<{ id: string }>(
      `INSERT INTO users (email, username, password_hash, role)
       VALUES ('bench@example.com', 'bench', 'not-a-hash', 'staff') RETURNING id`,
    );
    await client.query(
      `INSERT INTO products (sku, name, category, price_cents, stock, created_by_id, created_at)
       SELECT 'BENCH-' || g, 'Product ' || g, 'category-' || (g % 20), (g * 7919) % 100000, 100, $1,
              timestamptz '2026-01-01' + (g / 3) * interval '1 second'
       FROM generate_series(1, ${PRODUCT_COUNT}) AS g`,
      [users[0].id],
    );
    await client.query('VACUUM ANALYZE products');
    const { rows } = await client.query<{ id: string }>('SELECT id FROM products ORDER BY sku LIMIT 1');
    console.log(`seeded ${PRODUCT_COUNT} products in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return rows[0].id;
  });
}

/** A signed cursor positioned after row `offset` (0-based) of the default sort, as the app would issue it. */
async function cursorBefore(offset: number, databaseUrl: string): Promise<string> {
  const { rows } = await withClient(databaseUrl, (client) =>
    client.query<{ id: string; created_at: Date }>(
      `SELECT id, created_at FROM products WHERE deleted_at IS NULL
       ORDER BY created_at DESC, id DESC OFFSET $1 LIMIT 1`,
      [offset - 1],
    ),
  );
  const config = { getOrThrow: () => ({ jwtSecret: JWT_SECRET }) } as unknown as ConfigService<AllConfig, true>;
  return new CursorCodec(config).encode({
    sort: 'createdAt:desc',
    values: [rows[0].created_at.toISOString()],
    id: rows[0].id,
  });
}

async function expectSameRows(offsetUrl: string, keysetUrl: string): Promise<void> {
  const ids = async (url: string) => {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
    const body = (await response.json()) as { data: Array<{ id: string }> };
    return body.data.map((product) => product.id).join(',');
  };
  const [offset, keyset] = await Promise.all([ids(offsetUrl), ids(keysetUrl)]);
  if (offset !== keyset || offset.split(',').length !== PAGE_SIZE) {
    throw new Error('the deep OFFSET page and the deep keyset page hold different rows');
  }
}

async function measure(
  label: string,
  url: string,
  load: { connections: number; seconds: number },
  warmUp = true,
): Promise<Measurement> {
  if (warmUp) await autocannon({ url, connections: load.connections, duration: 1 }); // JIT, pools, plans
  const result = await autocannon({ url, connections: load.connections, duration: load.seconds });
  const failures = result.non2xx + result.errors + result.timeouts;
  if (failures > 0) console.warn(`  ${label}: ${failures} failed requests`);
  return {
    label,
    requestsPerSecond: result.requests.average,
    meanMs: result.latency.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    failures,
  };
}

/** Hits / (hits + misses) for the `products` cache prefix, from the app's /metrics. */
async function productHitRatio(baseUrl: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const sum = (name: string) =>
    text
      .split('\n')
      .filter((line) => line.startsWith(`${name}{`) && line.includes('prefix="products"'))
      .reduce((total, line) => total + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  const hits = sum('cache_hits_total');
  return hits / Math.max(1, hits + sum('cache_misses_total'));
}

/**
 * Server-side cost of the list queries, without HTTP: EXPLAIN ANALYZE execution time (median of
 * a few runs) of the same SQL shapes the paginator sends, and the plan of the deep keyset page.
 */
async function printQueryTimes(databaseUrl: string): Promise<void> {
  await withClient(databaseUrl, async (client) => {
    const order = 'ORDER BY p.created_at DESC, p.id DESC';
    const live = 'SELECT * FROM products p WHERE p.deleted_at IS NULL';
    const { rows } = await client.query<{ id: string; created_at: Date }>(
      `${live} ${order} OFFSET ${(DEEP_PAGE - 1) * PAGE_SIZE - 1} LIMIT 1`,
    );
    const after = `${live} AND p.created_at <= $1 AND (p.created_at < $1 OR (p.created_at = $1 AND p.id < $2)) ${order}`;
    const queries: Array<[string, string, unknown[]]> = [
      ['OFFSET, page 1', `${live} ${order} LIMIT ${PAGE_SIZE}`, []],
      [`OFFSET, page ${DEEP_PAGE}`, `${live} ${order} OFFSET ${(DEEP_PAGE - 1) * PAGE_SIZE} LIMIT ${PAGE_SIZE}`, []],
      ['COUNT(*) (offset meta.total)', 'SELECT count(*) FROM products p WHERE p.deleted_at IS NULL', []],
      ['keyset, page 1', `${live} ${order} LIMIT ${PAGE_SIZE + 1}`, []],
      [`keyset, page ${DEEP_PAGE}`, `${after} LIMIT ${PAGE_SIZE + 1}`, [rows[0].created_at, rows[0].id]],
    ];
    console.log('\nSQL execution time (EXPLAIN ANALYZE, median of 5)');
    for (const [label, sql, params] of queries) {
      const times: number[] = [];
      for (let i = 0; i < EXPLAIN_REPEATS; i += 1) {
        const plan = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, COSTS OFF) ${sql}`, params);
        const last = plan.rows[plan.rows.length - 1]['QUERY PLAN'];
        times.push(Number(/Execution Time: ([\d.]+)/.exec(last)?.[1] ?? NaN));
      }
      times.sort((a, b) => a - b);
      console.log(`  ${label.padEnd(30)} ${times[Math.floor(times.length / 2)].toFixed(3).padStart(9)} ms`);
    }
    const plan = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (COSTS OFF) ${queries[4][1]}`, queries[4][2]);
    console.log(`\nPlan of the deep keyset page:\n${plan.rows.map((row) => `  ${row['QUERY PLAN']}`).join('\n')}`);
  });
}

function printTable(title: string, rows: Measurement[]): void {
  console.log(`\n${title}`);
  const header = ['', 'req/s', 'mean ms', 'p50 ms', 'p99 ms', 'failed', ''];
  const cells = rows.map((row) => [
    row.label,
    row.requestsPerSecond.toFixed(0),
    row.meanMs.toFixed(2),
    row.p50Ms.toFixed(0),
    row.p99Ms.toFixed(0),
    String(row.failures),
    row.note ?? '',
  ]);
  const widths = header.map((_, i) => Math.max(...[header, ...cells].map((cell) => cell[i].length)));
  for (const line of [header, ...cells]) {
    console.log(`  ${line.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ')}`);
  }
}

async function startApp(database: Database, cacheBackend: CacheBackend): Promise<App> {
  const port = await freePort();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    NODE_ENV: 'production',
    JWT_SECRET,
    // Production refuses to start without its own key ring; the bench makes a throw-away one.
    FIELD_ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
    METRICS_PUBLIC: 'true',
    // Production needs a Stripe key to start; this bench places no orders, so nothing is ever sent with it.
    STRIPE_SECRET_KEY: `sk_test_${randomBytes(12).toString('hex')}`,
    // Limits stay on (their cost is part of every request) but out of reach of the load generator.
    RATE_LIMIT_DEFAULT_LIMIT: '1000000000',
    RATE_LIMIT_ADDRESS_LIMIT: '1000000000',
    RATE_LIMIT_BURST_LIMIT: '1000000000',
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    DATABASE_URL: database.url,
    DATABASE_POOL_SIZE: String(database.poolSize),
    CACHE_BACKEND: cacheBackend,
    REDIS_KEY_PREFIX,
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
  };
  const child = spawn(process.execPath, [resolve('dist/main.js')], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  running.add(child);
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitUntilReady(baseUrl, child);
  return { baseUrl, backend: cacheBackend, stop: () => stopChild(child) };
}

async function waitUntilReady(baseUrl: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the app exited with code ${child.exitCode}`);
    const ready = await fetch(`${baseUrl}/health/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error('the app did not become ready within 30 s');
}

async function stopChild(child: ChildProcess): Promise<void> {
  running.delete(child);
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

async function deleteRedisKeys(): Promise<void> {
  if (!process.env.REDIS_URL) return;
  const redis = new Redis(process.env.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${REDIS_KEY_PREFIX}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

function loadAverage(): string {
  return loadavg()
    .map((load) => load.toFixed(1))
    .join(' / ');
}

function abort(reason: string): void {
  console.error(`bench:products aborted: ${reason}`);
  for (const child of running) child.kill('SIGKILL');
  process.exit(1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
