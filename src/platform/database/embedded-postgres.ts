import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

import { CLUSTER_IMAGE_PATH, clusterImageExists } from './cluster-image';

/** Where the embedded server listens; `pg` connects to it like to any Postgres. */
export interface EmbeddedPostgresEndpoint {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly database: string;
}

export const IN_MEMORY = 'memory';

/**
 * A real Postgres (PGlite: Postgres compiled to WebAssembly) served over the wire protocol on a
 * loopback port, so the application keeps one code path (`pg` driver, the same migrations)
 * whether or not DATABASE_URL is set. PGlite runs one statement at a time and keeps a
 * transaction's statements together, which is correct but serial: it is for zero-setup runs
 * and tests, not for production load.
 */
export class EmbeddedPostgres {
  private constructor(
    private readonly db: PGlite,
    private readonly server: PGLiteSocketServer,
    private readonly lockFile: string | undefined,
    readonly endpoint: EmbeddedPostgresEndpoint,
  ) {}

  /**
   * @param dataDir a folder to keep the data in, or "memory" for a throw-away database.
   * @param fromImage start a new cluster from the prebuilt image (false: run initdb).
   */
  static async start(dataDir: string, maxConnections: number, fromImage = true): Promise<EmbeddedPostgres> {
    const directory = dataDir === IN_MEMORY ? undefined : resolve(dataDir);
    const lockFile = directory ? await lockDataDir(directory) : undefined;
    const db = await PGlite.create(fromImage ? await creationOptions(directory) : { dataDir: directory });
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections });
    await server.start();
    const port = Number(server.getServerConn().split(':').pop());
    return new EmbeddedPostgres(db, server, lockFile, {
      host: '127.0.0.1',
      port,
      username: 'postgres',
      database: 'postgres',
    });
  }

  /** The whole cluster as a gzipped tarball (the cluster image is made this way). */
  async dumpDataDir(): Promise<Buffer> {
    return Buffer.from(await (await this.db.dumpDataDir('gzip')).arrayBuffer());
  }

  async stop(): Promise<void> {
    await this.server.stop();
    await this.db.close();
    if (this.lockFile) await rm(this.lockFile, { force: true });
  }
}

/** A new cluster is unpacked from the prebuilt image when there is one, instead of running initdb. */
async function creationOptions(directory: string | undefined): Promise<PGliteOptions> {
  const isNew = !directory || !existsSync(join(directory, 'PG_VERSION'));
  if (!isNew || !clusterImageExists()) return { dataDir: directory };
  return { dataDir: directory, loadDataDir: new Blob([await readFile(CLUSTER_IMAGE_PATH)]) };
}

/**
 * PGlite is single-process: two processes on one folder would corrupt it. A pid file refuses a
 * second one (a lock left by a process that no longer runs is taken over).
 */
async function lockDataDir(directory: string): Promise<string> {
  await mkdir(directory, { recursive: true });
  const lockFile = join(directory, '.owner.pid');
  const owner = Number(await readFile(lockFile, 'utf8').catch(() => ''));
  if (owner && owner !== process.pid && isRunning(owner)) {
    throw new Error(
      `The embedded database in ${directory} is in use by process ${owner}; stop it or set EMBEDDED_DB_DIR`,
    );
  }
  await writeFile(lockFile, String(process.pid));
  return lockFile;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
