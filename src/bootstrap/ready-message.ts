import type { Environment } from '../config';
import { DEMO_ACCOUNTS } from '../seed/demo-accounts';
import { describeSeedCounts, type SeedReport } from '../seed/demo-data.seeder';

/**
 * The one block a start prints when the app serves: where it listens, where its docs are, which
 * database and Redis it uses (never credentials) and, when it seeded them, what the demo data
 * run did and the demo accounts.
 */
export function readyMessage(env: Environment, demoData?: SeedReport): string {
  const base = `http://${env.HOST === '0.0.0.0' || env.HOST === '::' ? 'localhost' : env.HOST}:${env.PORT}`;
  const lines = [
    `Ready at ${base}${env.APP_ROLE === 'worker' ? ' (worker: probes and /metrics only)' : ''}`,
    ...(env.APP_ROLE === 'worker' ? [] : [`  API docs   ${base}/docs`]),
    `  Database   ${databaseDescription(env)}`,
    `  Redis      ${env.REDIS_URL ? serverOf(env.REDIS_URL) : 'none: cache, rate limits and events in-process (set REDIS_URL to share them)'}`,
  ];
  if (demoData) lines.push(`  Demo data  ${describeSeedCounts(demoData)}`);
  if (env.SEED_DEMO_DATA) {
    lines.push('  Demo accounts (email / password):');
    for (const account of DEMO_ACCOUNTS)
      lines.push(`    ${account.role.padEnd(9)}${account.email} / ${account.password}`);
  }
  return lines.join('\n');
}

function databaseDescription(env: Environment): string {
  if (env.DATABASE_URL) return `${serverOf(env.DATABASE_URL)}${new URL(env.DATABASE_URL).pathname}`;
  return env.EMBEDDED_DB_DIR === 'memory'
    ? 'embedded Postgres in memory, kept until the process ends (set DATABASE_URL for a real server)'
    : `embedded Postgres in ${env.EMBEDDED_DB_DIR} (set DATABASE_URL for a real server)`;
}

/** Host and port only: the URL may carry a user name and password. */
function serverOf(url: string): string {
  return new URL(url).host;
}
