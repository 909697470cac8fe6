import { readdir, stat } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { Queue } from 'bullmq';

import { DOMAIN_EVENTS_QUEUE } from '../../src/platform/events/transports/bullmq.transport';
import { type AppProcess, spawnApp, waitUntilReady } from '../support/app-process';
import { eventually } from '../support/eventually';
import { call, scrapeSum } from '../support/http-client';
import { adminToken, createProduct, customerToken, placeOrder } from '../support/process-fixtures';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const servicesConfigured = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);
const describeWithServices = servicesConfigured ? describe : describe.skip;
if (!servicesConfigured)
  process.stdout.write('roles e2e: the api/worker split is skipped (set DATABASE_URL and REDIS_URL to run it)\n');

/** Long enough for a worker to have taken a queued job many times over (they are taken within milliseconds). */
const IDLE_CHECK_MS = 1_500;
const HANDLED = 'event_handler_duration_seconds_count';
const DIST = resolve(__dirname, '../../dist');

describe('APP_ROLE without Redis', () => {
  it.each(['api', 'worker'])('refuses to start as %s, with one line naming the variables', async (role) => {
    const app = await spawnApp({ APP_ROLE: role });

    expect(await app.exited).not.toBe(0);
    expect(app.output().trim()).toBe(
      `Invalid configuration: APP_ROLE=${role} needs REDIS_URL (the split into api and worker processes runs through the Redis queue)`,
    );
  });
});

describeWithServices('An api process and a worker process (the Kubernetes split)', () => {
  const prefix = `roles-${process.pid}:`;
  let database: TestDatabase;
  let workDir: string;
  let distBefore: Map<string, number>;
  let queue: Queue;
  let api: AppProcess;
  let worker: AppProcess | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase();
    // The pods' settings: production-like, migrations left to the Job (the template is migrated).
    env = {
      ...database.env,
      REDIS_URL: process.env.REDIS_URL ?? '',
      REDIS_KEY_PREFIX: prefix,
      DATABASE_MIGRATIONS_RUN: 'false',
      SEED_DEMO_DATA: 'true',
      LOG_LEVEL: 'warn',
    };
    workDir = await mkdtemp(join(tmpdir(), 'commerce-roles-cwd-'));
    distBefore = await listing(DIST);
    queue = new Queue(DOMAIN_EVENTS_QUEUE, { connection: { url: process.env.REDIS_URL }, prefix: `${prefix}bull` });
    api = await spawnApp({ ...env, APP_ROLE: 'api' }, { cwd: workDir });
    await waitUntilReady(api, 30_000);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
    await database?.dispose();
    await rm(workDir, { recursive: true, force: true });
  });

  it('api: places an order and enqueues its saga, but never handles a queued job', async () => {
    const orderId = await placeOneOrder(api);

    await eventually(async () => (await queue.getJobCounts('waiting')).waiting > 0, 10_000, 'saga job enqueued');
    await new Promise((resolveIdle) => setTimeout(resolveIdle, IDLE_CHECK_MS));

    const counts = await queue.getJobCounts('waiting', 'active', 'completed', 'failed');
    expect(counts).toMatchObject({ active: 0, completed: 0, failed: 0 });
    expect(counts.waiting).toBeGreaterThan(0);
    expect(await scrapeSum(api, HANDLED)).toBe(0);
    expect(await scrapeSum(api, 'events_queue_jobs', 'state="waiting"')).toBe(counts.waiting);
    expect((await orderOn(api, orderId)).status).toBe('pending');
  });

  it('worker: completes the saga of the order the api placed', async () => {
    worker = await spawnApp({ ...env, APP_ROLE: 'worker' }, { cwd: workDir });
    await waitUntilReady(worker, 30_000);
    const orderId = await placeOneOrder(api);

    const settled = await eventually(
      async () => {
        const order = await orderOn(api, orderId);
        return order.status === 'pending' ? undefined : order;
      },
      20_000,
      'order settled by the worker',
    );

    expect(settled.status).toBe('completed');
    expect(await scrapeSum(worker, HANDLED)).toBeGreaterThan(0);
    expect(await scrapeSum(api, HANDLED)).toBe(0);
    expect((await queue.getJobCounts('waiting')).waiting).toBe(0);
    expect(await scrapeSum(worker, 'events_queue_jobs', 'state="waiting"')).toBe(0);
  }, 40_000);

  it('worker: serves the probes and /metrics, and 404 for the API and its docs', async () => {
    const running = worker;
    if (!running) throw new Error('the worker did not start (see the previous test)');
    for (const path of ['/health/live', '/health/ready', '/metrics']) {
      expect([path, (await fetch(`${running.baseUrl}${path}`)).status]).toEqual([path, 200]);
    }
    for (const [method, path] of [
      ['GET', '/api/v1/products'],
      ['POST', '/api/v1/auth/login'],
      ['GET', '/docs'],
      ['GET', '/docs-json'],
    ]) {
      const response = await call(running, method, path, method === 'POST' ? { body: {} } : {});
      expect([path, response.status, response.body.error?.code]).toEqual([path, 404, 'RESOURCE_NOT_FOUND']);
    }
    expect((await fetch(`${api.baseUrl}/docs-json`)).status).toBe(200);
  });

  it('writes nothing under the app directory or the working directory (read-only root filesystem)', async () => {
    expect(await readdir(workDir)).toEqual([]);
    expect(await listing(DIST)).toEqual(distBefore);
  });
});

/** Registers a customer on `app`, creates a product as the demo admin and places one order of it. */
async function placeOneOrder(app: AppProcess): Promise<string> {
  const productId = await createProduct(app, await adminToken(app), 'ROLE', 5);
  const order = await placeOrder(app, await customerToken(app, 'role'), productId);
  expect(order.status).toBe(201);
  expect(order.body.data.status).toBe('pending');
  return order.body.data.id;
}

async function orderOn(app: AppProcess, orderId: string): Promise<{ status: string }> {
  const response = await call<{ status: string }>(app, 'GET', `/api/v1/orders/${orderId}`, {
    token: await adminToken(app),
  });
  expect(response.status).toBe(200);
  return response.body.data;
}

/** Every file under `dir` with its modification time, to show a run changed nothing there. */
async function listing(dir: string): Promise<Map<string, number>> {
  const files = new Map<string, number>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(path, (await stat(path)).mtimeMs);
  }
  return files;
}
