import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * A Postgres cluster with every migration already applied, as a gzipped tarball made by
 * `npm run build` next to the compiled code (see build-cluster-image.ts). Creating a cluster
 * (initdb) and migrating it are most of a cold start; unpacking this image takes under 2 s.
 * A cluster unpacked from an older image still gets the newer migrations at start-up.
 */
export const CLUSTER_IMAGE_PATH = resolve(__dirname, 'pglite-cluster.tar.gz');

export function clusterImageExists(): boolean {
  return existsSync(CLUSTER_IMAGE_PATH);
}
