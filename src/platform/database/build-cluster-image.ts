import { writeFile } from 'node:fs/promises';

import { DataSource } from 'typeorm';

import { CLUSTER_IMAGE_PATH } from './cluster-image';
import { EmbeddedPostgres, IN_MEMORY } from './embedded-postgres';
import { MIGRATIONS } from './migration-list';
import { SnakeNamingStrategy } from './snake-naming.strategy';

/**
 * `npm run build` step: initialises an in-memory cluster, applies every migration and writes the
 * result as the cluster image the embedded database starts from.
 */
export async function buildClusterImage(target = CLUSTER_IMAGE_PATH): Promise<void> {
  const embedded = await EmbeddedPostgres.start(IN_MEMORY, 2, false);
  try {
    const dataSource = new DataSource({
      type: 'postgres',
      ...embedded.endpoint,
      namingStrategy: new SnakeNamingStrategy(),
      migrations: MIGRATIONS,
      installExtensions: false,
      poolSize: 1,
    });
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
    await dataSource.destroy();
    await writeFile(target, await embedded.dumpDataDir());
  } finally {
    await embedded.stop();
  }
}

if (require.main === module) {
  void buildClusterImage().then(
    () => process.stdout.write(`wrote ${CLUSTER_IMAGE_PATH} (${MIGRATIONS.length} migrations applied)\n`),
    (error: unknown) => {
      process.stderr.write(`could not build the cluster image: ${String(error)}\n`);
      process.exit(1);
    },
  );
}
