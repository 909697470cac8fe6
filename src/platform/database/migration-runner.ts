import { setTimeout as sleep } from 'node:timers/promises';

import { Logger } from '@nestjs/common';
import type { PinoLogger } from 'nestjs-pino';
import { type DataSource, MigrationExecutor } from 'typeorm';

/**
 * An arbitrary constant shared by every replica and by the migration Job: whoever holds this
 * advisory lock runs the migrations; the others wait, then find nothing left to do.
 */
const MIGRATION_LOCK_KEY = 7_461_022_315;

/** How often a process that does not migrate looks again for migrations still pending. */
const PENDING_POLL_MS = 2_000;

/**
 * Runs pending migrations exactly once across replicas (and migration Jobs) that start at the
 * same time. Returns the names of the migrations this call applied (empty when another holder of
 * the lock had already applied them).
 */
export async function runMigrationsOnce(dataSource: DataSource): Promise<string[]> {
  const logger = new Logger('Migrations');
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    // On the connection that holds the lock: a pool of one (the embedded database) has no other.
    const executor = new MigrationExecutor(dataSource, runner);
    executor.transaction = 'each';
    const applied = (await executor.executePendingMigrations()).map((migration) => migration.name);
    if (applied.length > 0) logger.log({ applied }, `Applied ${applied.length} migration(s)`);
    return applied;
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}

/** The names of the migrations this build knows that the database has not applied yet. */
async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  const pending = await new MigrationExecutor(dataSource).getPendingMigrations();
  return pending.map((migration) => migration.name);
}

/**
 * For processes that do not migrate (DATABASE_MIGRATIONS_RUN=false, the migration Job's job):
 * waits until the schema this build needs is in place, so a new version never serves on an old
 * schema. A rollout that outruns its migration Job therefore waits in start-up (bounded by the
 * startup probe) instead of failing requests. `logger` writes at once: Nest buffers its own
 * logger's lines until the application is built, which is after this wait.
 */
export async function waitForMigrations(
  dataSource: DataSource,
  logger: Pick<PinoLogger, 'warn' | 'info'>,
  pollMs = PENDING_POLL_MS,
): Promise<void> {
  let pending = await pendingMigrations(dataSource);
  if (pending.length === 0) return;
  logger.warn(
    { pending },
    `${pending.length} migration(s) pending and DATABASE_MIGRATIONS_RUN=false: waiting for the migration job`,
  );
  while (pending.length > 0) {
    await sleep(pollMs);
    pending = await pendingMigrations(dataSource);
  }
  logger.info('Migrations applied elsewhere; starting');
}
