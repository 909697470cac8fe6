import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { type AppProcess, spawnApp, waitUntilReady } from '../support/app-process';
import { eventually } from '../support/eventually';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const READY_BUDGET_MS = 10_000;
/** Long enough for start-up work that finishes after the app listens (the revocation seed) to log. */
const SETTLE_MS = 500;

/**
 * What a start printed at the default level by the time it serves, once settled: only the ready
 * block, whose first line is the log line and whose others are indented (checked by the caller).
 */
async function startOutput(app: AppProcess): Promise<string[]> {
  await eventually(() => app.output().includes('Customer#Demo2026'), 5_000, 'the ready block');
  await sleep(SETTLE_MS);
  return app.output().trimEnd().split('\n');
}

function expectOnlyTheReadyBlock(lines: string[], demoData: string): void {
  expect(lines[0]).toMatch(/ INFO: Ready at http:\/\/127\.0\.0\.1:\d+$/);
  expect(lines.slice(1).filter((line) => !line.startsWith('  '))).toEqual([]);
  expect(lines).toContain(`  Demo data  ${demoData}`);
  expect(lines.filter((line) => line.includes('Demo accounts'))).toHaveLength(1);
}

async function registerLoginAndReadMe(app: AppProcess, email: string, password: string): Promise<string> {
  const json = { 'Content-Type': 'application/json' };
  const registered = await fetch(`${app.baseUrl}/api/v1/auth/register`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ email, username: email.split('@')[0], password }),
  });
  expect(registered.status).toBe(202);
  return expectLoginAndMe(app, email, password);
}

/** Signs in and reads /users/me; the account's id (equal to `id` when given). */
async function expectLoginAndMe(app: AppProcess, email: string, password: string, id?: string): Promise<string> {
  const login = await fetch(`${app.baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  expect(login.status).toBe(200);
  const { accessToken } = ((await login.json()) as { data: { accessToken: string } }).data;
  const me = await fetch(`${app.baseUrl}/api/v1/users/me`, { headers: { Authorization: `Bearer ${accessToken}` } });
  expect(me.status).toBe(200);
  const seen = ((await me.json()) as { data: { id: string } }).data.id;
  if (id !== undefined) expect(seen).toBe(id);
  return seen;
}

describe('Zero-setup start (no DATABASE_URL, no REDIS_URL)', () => {
  let dataDir: string;
  let app: AppProcess | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'commerce-zero-setup-'));
  });

  afterEach(async () => {
    await app?.stop('SIGKILL');
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('is ready within 10 s on a fresh data folder, serves users, and keeps the data across a restart', async () => {
    app = await spawnApp({ EMBEDDED_DB_DIR: dataDir });
    const readyAfterMs = await waitUntilReady(app, READY_BUDGET_MS + 5_000);
    process.stdout.write(`zero-setup cold start: ready after ${readyAfterMs} ms\n`);
    expect(readyAfterMs).toBeLessThanOrEqual(READY_BUDGET_MS);
    expectOnlyTheReadyBlock(await startOutput(app), '3 accounts, 10 products created');

    const id = await registerLoginAndReadMe(app, 'persist@example.com', 'Persist-Pass-42');
    await expectLoginAndMe(app, 'admin@example.com', 'Admin#Demo2026', await idOfDemoAdmin(app));
    expect(await app.stop('SIGTERM')).toBe(0);

    app = await spawnApp({ EMBEDDED_DB_DIR: dataDir });
    const warmReadyMs = await waitUntilReady(app, READY_BUDGET_MS);
    process.stdout.write(`zero-setup warm start: ready after ${warmReadyMs} ms\n`);
    expectOnlyTheReadyBlock(await startOutput(app), '3 accounts, 10 products found');
    await expectLoginAndMe(app, 'persist@example.com', 'Persist-Pass-42', id);
  }, 60_000);
});

async function idOfDemoAdmin(app: AppProcess): Promise<string> {
  const login = await fetch(`${app.baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: 'admin@example.com', password: 'Admin#Demo2026' }),
  });
  const { accessToken } = ((await login.json()) as { data: { accessToken: string } }).data;
  const me = await fetch(`${app.baseUrl}/api/v1/users/me`, { headers: { Authorization: `Bearer ${accessToken}` } });
  return ((await me.json()) as { data: { id: string; role: string } }).data.id;
}

const describeWithServices = process.env.DATABASE_URL && process.env.REDIS_URL ? describe : describe.skip;
if (!process.env.DATABASE_URL || !process.env.REDIS_URL) {
  process.stdout.write('process e2e: real-services start skipped (set DATABASE_URL and REDIS_URL to run it)\n');
}

describeWithServices('Start against real Postgres and Redis', () => {
  let database: TestDatabase;
  let app: AppProcess | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await app?.stop('SIGKILL');
    await database.dispose();
  });

  it('migrates, becomes ready and serves users', async () => {
    app = await spawnApp({
      ...database.env,
      REDIS_URL: process.env.REDIS_URL ?? '',
      REDIS_KEY_PREFIX: `proc-${process.pid}:`,
      LOG_LEVEL: 'warn',
    });
    const readyAfterMs = await waitUntilReady(app, READY_BUDGET_MS);
    process.stdout.write(`real services start: ready after ${readyAfterMs} ms\n`);

    const ready = (await (await fetch(`${app.baseUrl}/health/ready`)).json()) as {
      details: Record<string, { status: string }>;
    };
    expect(ready.details.redis).toEqual(expect.objectContaining({ status: 'up', configured: true }));
    await registerLoginAndReadMe(app, 'real@example.com', 'Real-Services-1');
    expect(await app.stop('SIGTERM')).toBe(0);
  }, 30_000);
});
