import { templateFromEnv, withAdminClient } from './test-database';

/** Drops the real-Postgres template (the embedded one is kept as a cache for the next run). */
export default async function globalTeardown(): Promise<void> {
  const template = templateFromEnv();
  const url = process.env.DATABASE_URL;
  if (template.kind !== 'postgres' || !url) return;
  await withAdminClient(url, (client) => client.query(`DROP DATABASE IF EXISTS "${template.location}" WITH (FORCE)`));
}
