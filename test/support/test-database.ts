import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import pg from 'pg';

/** What globalSetup prepared: a migrated template every test file copies. */
export interface TemplateDatabase {
  readonly kind: 'postgres' | 'embedded';
  /** postgres: the template database's name; embedded: the template data directory. */
  readonly location: string;
}

export interface TestDatabase {
  /** Environment variables that point the app at this database. */
  readonly env: Record<string, string>;
  readonly connectionString?: string;
  dispose(): Promise<void>;
}

export const TEMPLATE_ENV = 'TEST_DATABASE_TEMPLATE';

export function templateFromEnv(): TemplateDatabase {
  const raw = process.env[TEMPLATE_ENV];
  if (!raw) throw new Error(`${TEMPLATE_ENV} is not set: the e2e global setup did not run`);
  return JSON.parse(raw) as TemplateDatabase;
}

/**
 * A database of this test file's own, copied from the migrated template: a real Postgres
 * database (`CREATE DATABASE … TEMPLATE …`, a file copy) or a copy of the embedded data folder.
 */
export async function createTestDatabase(template = templateFromEnv()): Promise<TestDatabase> {
  return template.kind === 'postgres'
    ? createPostgresDatabase(template.location)
    : createEmbeddedDatabase(template.location);
}

async function createPostgresDatabase(templateName: string): Promise<TestDatabase> {
  const serverUrl = requireDatabaseUrl();
  const name = `${templateName.replace(/_tpl$/, '')}_t_${randomBytes(4).toString('hex')}`;
  await withAdminClient(serverUrl, (client) => client.query(`CREATE DATABASE "${name}" TEMPLATE "${templateName}"`));
  const url = withDatabase(serverUrl, name);
  return {
    env: { DATABASE_URL: url },
    connectionString: url,
    dispose: () =>
      withAdminClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(
        () => undefined,
      ),
  };
}

async function createEmbeddedDatabase(templateDir: string): Promise<TestDatabase> {
  const dir = await mkdtemp(join(tmpdir(), 'commerce-pglite-'));
  await cp(templateDir, dir, { recursive: true, filter: (source) => !source.endsWith('.owner.pid') });
  return {
    env: { EMBEDDED_DB_DIR: dir },
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

export function requireDatabaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set');
  return url;
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export function databaseNameOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

/** Runs `fn` with a client connected to the server's maintenance database. */
export async function withAdminClient<T>(serverUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
