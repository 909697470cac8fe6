import { Logger } from '@nestjs/common';
import { Logger as PinoNestLogger, PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';

import { failureReason } from '../../bootstrap/command-line';
import { loadEnvironmentOrExit } from '../../bootstrap/load-environment';
import type { Environment } from '../../config';
import { buildLoggerParams } from '../logging/logger-options';
import { MIGRATIONS } from './migration-list';
import { runMigrationsOnce } from './migration-runner';
import { SnakeNamingStrategy } from './snake-naming.strategy';

/**
 * `npm run migrate` (the Kubernetes migration Job runs `node dist/platform/database/migrate.js`):
 * applies pending migrations to DATABASE_URL under the advisory lock the app takes at start-up,
 * then exits 0, or non-zero with a log line saying why. It loads none of the application, so it
 * needs only the database, and it writes nothing to disk.
 */
export async function migrate(env: Environment): Promise<string[]> {
  if (!env.DATABASE_URL) {
    throw new Error(
      'DATABASE_URL is not set: migrations run against a real Postgres (the embedded one migrates itself)',
    );
  }
  const dataSource = new DataSource({
    type: 'postgres',
    url: env.DATABASE_URL,
    namingStrategy: new SnakeNamingStrategy(),
    migrations: MIGRATIONS,
    installExtensions: false,
    // One connection holds the lock and runs the migrations; the executor may read on a second.
    poolSize: 2,
    connectTimeoutMS: env.DATABASE_CONNECT_TIMEOUT_MS,
    // No statement_timeout: waiting for the lock and a long DDL statement are bounded by the Job's
    // activeDeadlineSeconds instead of the per-request limit (docs/decisions/0021).
    extra: { application_name: 'commerce-api:migrate', connectionTimeoutMillis: env.DATABASE_CONNECT_TIMEOUT_MS },
  });
  await dataSource.initialize();
  try {
    return await runMigrationsOnce(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

async function main(): Promise<void> {
  const env = loadEnvironmentOrExit();
  const params = buildLoggerParams({ level: env.LOG_LEVEL, format: env.LOG_FORMAT }, { requestLines: false });
  Logger.overrideLogger(new PinoNestLogger(new PinoLogger(params), params));
  const logger = new Logger('Migrate');
  const started = Date.now();
  try {
    const applied = await migrate(env);
    logger.log(
      { applied, total: MIGRATIONS.length, durationMs: Date.now() - started },
      applied.length > 0 ? `Applied ${applied.length} migration(s)` : 'No migration pending',
    );
  } catch (error) {
    // One line, no stack: the reason is what the person (or the Job's log) needs.
    logger.error(`Migration failed: ${failureReason(error)}`);
    // exitCode rather than exit(): the asynchronous log destination flushes before the process ends.
    process.exitCode = 1;
  }
}

if (require.main === module) void main();
