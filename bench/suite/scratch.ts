import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Redis } from 'ioredis';
import pg from 'pg';

import { EmbeddedPostgres } from '../../src/platform/database/embedded-postgres';
import { startStripeEmulator } from '../../test/support/stripe-emulator';

/**
 * Everything the suite creates and must remove: a database next to DATABASE_URL (or an embedded
 * Postgres when it is unset), a Redis key prefix of its own, a temporary folder (logs, bodies), and
 * a Stripe emulator on loopback (production takes payments through Stripe only; the bench must
 * never reach the real one).
 */
export interface Scratch {
  readonly databaseUrl: string;
  readonly databaseLabel: string;
  /** Connections per server: the embedded Postgres serves one at a time (docs/decisions/0002). */
  readonly poolSize: number;
  readonly redisUrl?: string;
  readonly redisKeyPrefix: string;
  readonly dir: string;
  /** PAYMENT_PROVIDER, STRIPE_SECRET_KEY and STRIPE_API_URL of the emulator. */
  readonly paymentEnv: Record<string, string>;
  dispose(): Promise<void>;
}

export async function openScratch(): Promise<Scratch> {
  const stripe = await startStripeEmulator();
  const storage = await openStorage().catch(async (error: unknown) => {
    await stripe.close();
    throw error;
  });
  return {
    ...storage,
    paymentEnv: stripe.env,
    dispose: async () => {
      await storage.dispose();
      await stripe.close();
    },
  };
}

async function openStorage(): Promise<Omit<Scratch, 'paymentEnv'>> {
  const dir = await mkdtemp(join(tmpdir(), 'commerce-bench-'));
  const redisKeyPrefix = `bench:${randomBytes(4).toString('hex')}:`;
  const redisUrl = process.env.REDIS_URL || undefined;
  const cleanRedis = () => (redisUrl ? deleteKeys(redisUrl, redisKeyPrefix) : Promise.resolve());
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    const name = `${new URL(serverUrl).pathname.slice(1)}_bench_${randomBytes(3).toString('hex')}`;
    await adminQuery(serverUrl, `CREATE DATABASE "${name}"`);
    return {
      databaseUrl: withDatabase(serverUrl, name),
      databaseLabel: `Postgres at ${new URL(serverUrl).host} (scratch database ${name})`,
      poolSize: 10,
      redisUrl,
      redisKeyPrefix,
      dir,
      dispose: async () => {
        await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await cleanRedis();
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  const embedded = await EmbeddedPostgres.start(join(dir, 'pglite'), 8);
  const { host, port, username, database } = embedded.endpoint;
  return {
    databaseUrl: `postgres://${username}@${host}:${port}/${database}`,
    databaseLabel: 'embedded PGlite served by the runner (one query at a time: figures are not meaningful)',
    poolSize: 1,
    redisUrl,
    redisKeyPrefix,
    dir,
    dispose: async () => {
      await embedded.stop();
      await cleanRedis();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  await withClient(withDatabase(serverUrl, 'postgres'), (client) => client.query(sql));
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function deleteKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
