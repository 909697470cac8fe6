import { Logger } from '@nestjs/common';
import { type DataSource, MigrationExecutor } from 'typeorm';

/**
 * An arbitrary constant shared by every replica: whoever holds this advisory lock runs the
 * migrations; the others wait, then find nothing left to do.
 */
const MIGRATION_LOCK_KEY = 7_461_022_315;

/** Runs pending migrations exactly once across replicas that start at the same time. */
export async function runMigrationsOnce(dataSource: DataSource): Promise<void> {
  const logger = new Logger('Migrations');
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    // On the connection that holds the lock: a pool of one (the embedded database) has no other.
    const executor = new MigrationExecutor(dataSource, runner);
    executor.transaction = 'each';
    const applied = await executor.executePendingMigrations();
    if (applied.length > 0) {
      logger.log({ applied: applied.map((m) => m.name) }, `Applied ${applied.length} migration(s)`);
    }
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}
