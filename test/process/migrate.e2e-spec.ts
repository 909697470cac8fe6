import { randomBytes } from 'node:crypto';

import pg from 'pg';

import { MIGRATIONS } from '../../src/platform/database/migration-list';
import { type AppProcess, freePort, runMigrate, spawnApp, waitUntilReady } from '../support/app-process';
import { eventually } from '../support/eventually';
import { databaseNameOf, requireDatabaseUrl, withAdminClient, withDatabase } from '../support/test-database';

const databaseConfigured = Boolean(process.env.DATABASE_URL);
const describeWithPostgres = databaseConfigured ? describe : describe.skip;
if (!databaseConfigured)
  process.stdout.write('migrate e2e: runs against a real database are skipped (set DATABASE_URL to run them)\n');

interface LogLine {
  readonly level: string;
  readonly msg: string;
  readonly applied?: string[];
}

/** The JSON log lines of a run (LOG_FORMAT=json), each parsed. */
function logLines(output: string): LogLine[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

/** The last line of a run: its outcome. */
function outcome(output: string): LogLine {
  const lines = logLines(output);
  expect(lines.length).toBeGreaterThan(0);
  return lines[lines.length - 1];
}

describe('npm run migrate: failures', () => {
  it('exits non-zero, saying why, without DATABASE_URL', async () => {
    const run = await runMigrate({ LOG_FORMAT: 'json' });

    expect(run.code).toBe(1);
    expect(outcome(run.output)).toMatchObject({
      level: 'error',
      msg: expect.stringMatching(/^Migration failed: DATABASE_URL is not set/),
    });
    expect(run.output).not.toMatch(/\n\s+at /);
  });

  it('exits non-zero, saying why, when the database cannot be reached', async () => {
    const port = await freePort();
    const run = await runMigrate({ LOG_FORMAT: 'json', DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/nowhere` });

    expect(run.code).toBe(1);
    expect(outcome(run.output)).toMatchObject({
      level: 'error',
      msg: expect.stringMatching(/^Migration failed: .*ECONNREFUSED/),
    });
  });

  it('exits non-zero with the configuration line on a bad setting', async () => {
    const run = await runMigrate({ DATABASE_URL: 'mysql://nope' });

    expect(run.code).toBe(1);
    expect(run.output.trim()).toMatch(/^Invalid configuration: DATABASE_URL must be a postgres:\/\/ URL/);
  });
});

describeWithPostgres('npm run migrate: the migration Job before a rollout', () => {
  let url: string;
  let app: AppProcess | undefined;

  beforeAll(async () => {
    const server = requireDatabaseUrl();
    const name = `${databaseNameOf(server)}_migrate_${randomBytes(4).toString('hex')}`;
    await withAdminClient(server, (client) => client.query(`CREATE DATABASE "${name}"`));
    url = withDatabase(server, name);
  });

  afterAll(async () => {
    await app?.stop();
    const server = requireDatabaseUrl();
    await withAdminClient(server, (client) =>
      client.query(`DROP DATABASE IF EXISTS "${databaseNameOf(url)}" WITH (FORCE)`),
    );
  });

  it('keeps a pod that does not migrate waiting until the Job has migrated, two Jobs applying each migration once', async () => {
    app = await spawnApp({
      DATABASE_URL: url,
      DATABASE_MIGRATIONS_RUN: 'false',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
    });
    await eventually(() => app?.output().includes('waiting for the migration job'), 20_000, 'app waiting');
    expect(
      await fetch(`${app.baseUrl}/health/live`).then(
        (r) => r.status,
        () => 'refused',
      ),
    ).toBe('refused');

    const runs = await Promise.all([
      runMigrate({ DATABASE_URL: url, LOG_FORMAT: 'json' }),
      runMigrate({ DATABASE_URL: url, LOG_FORMAT: 'json' }),
    ]);

    expect(runs.map((run) => run.code)).toEqual([0, 0]);
    const applied = runs.map((run) => outcome(run.output).applied ?? []);
    expect(applied.map((names) => names.length).sort()).toEqual([0, MIGRATIONS.length]);
    expect(await appliedMigrations(url)).toEqual(MIGRATIONS.map((migration) => new migration().name ?? migration.name));
    await waitUntilReady(app, 20_000);
  }, 60_000);

  it('does nothing, and succeeds, when nothing is pending', async () => {
    const run = await runMigrate({ DATABASE_URL: url, LOG_FORMAT: 'json' });

    expect(run.code).toBe(0);
    expect(outcome(run.output)).toMatchObject({ level: 'info', msg: 'No migration pending', applied: [] });
    expect(await appliedMigrations(url)).toHaveLength(MIGRATIONS.length);
  });
});

/** The names in TypeORM's migrations table, oldest first. */
async function appliedMigrations(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>('SELECT name FROM migrations ORDER BY id');
    return rows.map((row) => row.name);
  } finally {
    await client.end();
  }
}
