import { setTimeout as sleep } from 'node:timers/promises';

import type { DataSource } from 'typeorm';

/** Row count and an order-independent checksum of every row, per table. */
export type TableSnapshot = ReadonlyMap<string, { readonly rows: number; readonly checksum: string }>;

/** Every base table of the app's schema, migrations bookkeeping included. */
export async function snapshotTables(dataSource: DataSource): Promise<TableSnapshot> {
  const tables = await dataSource.query<Array<{ name: string }>>(
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const snapshot = new Map<string, { rows: number; checksum: string }>();
  for (const { name } of tables) {
    const [row] = await dataSource.query<Array<{ rows: number; checksum: string }>>(
      `SELECT count(*)::int AS rows,
              md5(coalesce(string_agg(md5(t::text), '' ORDER BY md5(t::text)), '')) AS checksum
         FROM "${name.replaceAll('"', '""')}" t`,
    );
    snapshot.set(name, row);
  }
  return snapshot;
}

/** Tables whose rows differ between two snapshots, with what changed. */
export function changedTables(before: TableSnapshot, after: TableSnapshot): string[] {
  const names = new Set([...before.keys(), ...after.keys()]);
  return [...names].flatMap((name) => {
    const was = before.get(name);
    const is = after.get(name);
    if (was?.checksum === is?.checksum && was?.rows === is?.rows) return [];
    return [
      `${name}: ${was?.rows ?? 'absent'} -> ${is?.rows ?? 'absent'} rows${was?.rows === is?.rows ? ' (same count, rows changed)' : ''}`,
    ];
  });
}

/**
 * Waits until background work started by the setup (event delivery, session bookkeeping) has
 * finished: two snapshots in a row must agree.
 */
export async function settledSnapshot(dataSource: DataSource, timeoutMs = 15_000): Promise<TableSnapshot> {
  const deadline = Date.now() + timeoutMs;
  let previous = await snapshotTables(dataSource);
  for (;;) {
    await sleep(400);
    const current = await snapshotTables(dataSource);
    if (changedTables(previous, current).length === 0) return current;
    if (Date.now() > deadline) throw new Error(`tables kept changing: ${changedTables(previous, current).join('; ')}`);
    previous = current;
  }
}
