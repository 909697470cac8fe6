import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DataSource, type DataSourceOptions } from 'typeorm';

import { EmbeddedPostgres } from '../../src/platform/database/embedded-postgres';
import { MIGRATIONS } from '../../src/platform/database/migration-list';
import { SnakeNamingStrategy } from '../../src/platform/database/snake-naming.strategy';
import { databaseNameOf, TEMPLATE_ENV, type TemplateDatabase, withAdminClient, withDatabase } from './test-database';

/**
 * Migrates one template database before the e2e suites start; each test file then copies it
 * (fast) instead of migrating its own. With DATABASE_URL set the template lives on that server,
 * otherwise it is an embedded (PGlite) data folder, cached across runs by migration content.
 */
export default async function globalSetup(): Promise<void> {
  const template = process.env.DATABASE_URL
    ? await preparePostgresTemplate(process.env.DATABASE_URL)
    : await prepareEmbeddedTemplate();
  process.env[TEMPLATE_ENV] = JSON.stringify(template);
  const redis = process.env.REDIS_URL ? `Redis at ${process.env.REDIS_URL}` : 'in-process fallbacks (no REDIS_URL)';
  process.stdout.write(`\ne2e: ${template.kind === 'postgres' ? 'real Postgres' : 'embedded Postgres'}, ${redis}\n`);
}

async function preparePostgresTemplate(url: string): Promise<TemplateDatabase> {
  const name = `${databaseNameOf(url)}_tpl`;
  await withAdminClient(url, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}"`);
  });
  await migrate({ type: 'postgres', url: withDatabase(url, name) });
  return { kind: 'postgres', location: name };
}

async function prepareEmbeddedTemplate(): Promise<TemplateDatabase> {
  const fingerprint = createHash('sha256')
    .update(MIGRATIONS.map((migration) => migration.name + migration.prototype.up.toString()).join(','))
    .digest('hex')
    .slice(0, 12);
  const dir = join(tmpdir(), `commerce-pglite-template-${fingerprint}`);
  if (existsSync(join(dir, 'PG_VERSION'))) return { kind: 'embedded', location: dir };
  // Built aside and renamed into place, so concurrent runs never copy a half-made template.
  const building = `${dir}.building-${process.pid}`;
  await rm(building, { recursive: true, force: true });
  const embedded = await EmbeddedPostgres.start(building, 2);
  try {
    await migrate({ type: 'postgres', ...embedded.endpoint });
  } finally {
    await embedded.stop();
  }
  await rename(building, dir).catch(async () => rm(building, { recursive: true, force: true }));
  return { kind: 'embedded', location: dir };
}

async function migrate(target: DataSourceOptions): Promise<void> {
  const dataSource = new DataSource({
    ...target,
    namingStrategy: new SnakeNamingStrategy(),
    migrations: MIGRATIONS,
    installExtensions: false,
  } as DataSourceOptions);
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
}
