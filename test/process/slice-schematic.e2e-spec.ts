import { type ChildProcess, execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

import { type AppProcess, spawnApp, waitUntilReady } from '../support/app-process';
import { call, newCustomer, tokenFor } from '../support/http-client';
import { databaseNameOf, withAdminClient, withDatabase } from '../support/test-database';

/**
 * The slice schematic, end to end, in a throw-away copy of the project (node_modules shared by a
 * symlink): generate a default slice and a `--owner --no-events --no-cache` one, lint them with
 * the project's rules, generate a stock `nest g resource` next to them, type-check, build, run the
 * default slice's generated unit and e2e specs in the copy, then boot the built copy and check
 * that the new routes are documented and guarded by the new permissions. Uses DATABASE_URL /
 * REDIS_URL when set.
 */
const ROOT = resolve(__dirname, '../..');
const NOT_COPIED = new Set(['node_modules', 'dist', '.git', '.data', 'coverage']);
const STEP_TIMEOUT_MS = 240_000;

const DEFAULT_SLICE = 'invoices';
const OWNED_SLICE = 'gift-cards';
const OWNED_SLICE_FLAGS = ['--owner', '--no-events', '--no-cache', '--staff=create,read,update'];

interface RunResult {
  readonly output: string;
}

describe('Slice schematic: a generated slice lints, compiles, passes its specs and serves guarded routes', () => {
  let copy: string;
  let app: AppProcess | undefined;
  const cleanups: Array<() => Promise<unknown>> = [];
  /** Commands still running when the suite ends (a step timed out) are stopped with it. */
  const running = new Set<ChildProcess>();
  const started = Date.now();

  /** Runs a command in the copy; a non-zero exit fails the step with everything it printed. */
  const run = (command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> =>
    new Promise((resolveRun, rejectRun) => {
      const begun = Date.now();
      const child = execFile(
        command,
        args,
        { cwd: copy, env: { ...childEnvironment(), ...env }, maxBuffer: 32 * 1024 * 1024, timeout: STEP_TIMEOUT_MS },
        (error, stdout, stderr) => {
          running.delete(child);
          process.stdout.write(`  ${command} ${args.slice(0, 3).join(' ')}: ${Date.now() - begun} ms\n`);
          const output = stripAnsi(`${stdout}${stderr}`);
          if (error) rejectRun(new Error(`${command} ${args.join(' ')} failed (${error.message}):\n${output}`));
          else resolveRun({ output });
        },
      );
      running.add(child);
    });

  const generated = (slice: string) => [`src/${slice}`, `test/${slice}.e2e-spec.ts`];

  beforeAll(async () => {
    // A fixed path per checkout: Jest's transform cache is keyed by it, so later runs reuse the
    // compiled modules of earlier ones (a fresh path recompiles every ES module package: minutes).
    copy = join(tmpdir(), `commerce-slice-${createHash('sha256').update(ROOT).digest('hex').slice(0, 10)}`);
    await rm(copy, { recursive: true, force: true });
    await mkdir(copy);
    await cp(ROOT, copy, { recursive: true, filter: (source) => !NOT_COPIED.has(relative(ROOT, source)) });
    await symlink(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
  });

  afterAll(async () => {
    for (const child of running) child.kill('SIGKILL');
    await app?.stop('SIGKILL');
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    await rm(copy, { recursive: true, force: true });
    process.stdout.write(`slice schematic suite: ${Math.round((Date.now() - started) / 1000)} s\n`);
  });

  it('previews through the nest CLI without writing anything', async () => {
    // nest-cli.json names the project's collection (schematics/, installed as @commerce/schematics).
    const preview = await run('node_modules/.bin/nest', ['g', 'slice', DEFAULT_SLICE, '--dry-run']);

    expect(preview.output).toContain(`CREATE src/${DEFAULT_SLICE}/${DEFAULT_SLICE}.controller.ts`);
    expect(preview.output).toContain('UPDATE src/app.module.ts');
    expect(existsSync(join(copy, 'src', DEFAULT_SLICE))).toBe(false);
  }, 60_000);

  it('generates both slices and registers them in the app, the migrations, the roles and the lint boundaries', async () => {
    // The defaults through the nest CLI itself; options it does not know through the npm script.
    await run('node_modules/.bin/nest', ['g', 'slice', DEFAULT_SLICE]);
    await run('npm', ['run', 'generate:slice', '--', OWNED_SLICE, ...OWNED_SLICE_FLAGS]);

    const text = (path: string) => readFile(join(copy, path), 'utf8');
    expect(await text('src/app.module.ts')).toMatch(/imports: \[[^\]]*InvoicesModule[^\]]*GiftCardsModule/s);
    expect(await text('src/platform/database/migration-list.ts')).toMatch(
      /CreateInvoices\d+,\s+CreateGiftCards\d+,\s+\]/,
    );
    const permissions = await text('src/common/access/permissions.ts');
    expect(permissions).toContain(`InvoicesCreate = 'invoices:create'`);
    expect(permissions).toContain(`GiftCardsManage = 'gift-cards:manage'`);
    expect(permissions).toMatch(
      /const STAFF[^;]*Permission\.GiftCardsCreate,\s*Permission\.GiftCardsRead,\s*Permission\.GiftCardsUpdate,?\s*\]/s,
    );
    expect(await text('eslint.config.mjs')).toContain(`'invoices', 'gift-cards']`);
    // The flags shaped the owned slice: no events, no cache, a creator column.
    expect(existsSync(join(copy, 'src', OWNED_SLICE, 'events'))).toBe(false);
    expect(existsSync(join(copy, 'src', OWNED_SLICE, 'gift-card-cache.ts'))).toBe(false);
    expect(await text(`src/${OWNED_SLICE}/gift-card.entity.ts`)).toContain('createdById: string;');
  }, 120_000);

  it('refuses to generate a slice twice, naming what exists (and leaves the files alone)', async () => {
    const before = await readFile(join(copy, 'src/app.module.ts'), 'utf8');

    await expect(run('npm', ['run', 'generate:slice', '--', DEFAULT_SLICE])).rejects.toThrow(
      /The slice "invoices" exists already/,
    );
    expect(await readFile(join(copy, 'src/app.module.ts'), 'utf8')).toBe(before);
  }, 60_000);

  it(
    'passes the project lint rules with no placeholders left, before anything else touches the files',
    async () => {
      const edited = [
        'src/app.module.ts',
        'src/common/access/permissions.ts',
        'src/platform/database/migration-list.ts',
      ];
      const files = [...generated(DEFAULT_SLICE), ...generated(OWNED_SLICE), ...edited, 'src/migrations'];

      await run('npx', ['eslint', '--max-warnings', '0', ...files]);
      await run('npx', ['prettier', '--check', ...files]);
      const leftovers = await Promise.all(
        (await filesUnder(copy, files)).map(async (path) =>
          /TODO|FIXME|<%|__plural__|__singular__/i.test(await readFile(join(copy, path), 'utf8')) ? path : undefined,
        ),
      );
      expect(leftovers.filter(Boolean)).toEqual([]);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'keeps `nest g resource` working next to the slices; everything compiles, builds and passes the generated specs',
    async () => {
      const resource = await run('node_modules/.bin/nest', ['g', 'resource', 'widgets']);
      expect(resource.output).toContain('CREATE src/widgets/widgets.controller.ts');

      // Independent of each other, so they share the wall-clock time: type-check then build, and
      // the generated unit and e2e specs (their database is migrated with the new migrations).
      const specsEnv = await privateServices('specs');
      // The default slice's specs run; the owned slice's are type-checked and linted (its runtime
      // behaviour is checked against the booted build below), which keeps the suite's time down.
      const generatedSpecs = generated(DEFAULT_SLICE);
      const [, specs] = await Promise.all([
        run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']).then(() => run('npm', ['run', 'build'])),
        run('npx', ['jest', ...generatedSpecs, '--selectProjects', 'unit', 'e2e', '--maxWorkers=1', '--ci'], specsEnv),
      ]);

      expect(existsSync(join(copy, 'dist/main.js'))).toBe(true);
      expect(specs.output).toMatch(/Test Suites: 3 passed, 3 total/);
      expect(specs.output).toMatch(/Tests:\s+\d+ passed, \d+ total/);
    },
    STEP_TIMEOUT_MS,
  );

  it('boots the built copy: the routes are in /docs-json and guarded by the generated permissions', async () => {
    app = await spawnApp(
      { LOG_LEVEL: 'warn', SEED_DEMO_DATA: 'true', ...(await privateServices('boot')) },
      { main: join(copy, 'dist/main.js') },
    );
    await waitUntilReady(app, 60_000);

    const docs = (await (await fetch(`${app.baseUrl}/docs-json`)).json()) as OpenApi;
    for (const slice of [DEFAULT_SLICE, OWNED_SLICE]) {
      expect(Object.keys(docs.paths[`/api/v1/${slice}`] ?? {}).sort()).toEqual(['get', 'post']);
      expect(Object.keys(docs.paths[`/api/v1/${slice}/{id}`] ?? {}).sort()).toEqual(['delete', 'get', 'patch']);
      // Guarded like every authenticated route: a bearer token, an API key or the session cookie.
      expect(docs.paths[`/api/v1/${slice}`].post.security).toEqual([{ bearer: [] }, { 'api-key': [] }, { cookie: [] }]);
    }

    const customer = await newCustomer(app, 'slice');
    const customerToken = await tokenFor(app, customer.email, customer.password);
    const staffToken = await tokenFor(app, 'staff@example.com', 'Staff#Demo2026');
    const adminToken = await tokenFor(app, 'admin@example.com', 'Admin#Demo2026');
    const create = (slice: string, token?: string) =>
      call(app as AppProcess, 'POST', `/api/v1/${slice}`, { token, body: { name: 'Generated' } });

    expect((await create(DEFAULT_SLICE)).status).toBe(401);
    const refused = await create(DEFAULT_SLICE, customerToken);
    expect(refused.status).toBe(403);
    expect(refused.body.error?.code).toBe('PERMISSION_DENIED');
    expect((await create(DEFAULT_SLICE, staffToken)).status).toBe(403);
    expect((await create(DEFAULT_SLICE, adminToken)).status).toBe(201);
    // --staff=create,read,update granted staff the owned slice; customers still get nothing.
    expect((await create(OWNED_SLICE, customerToken)).status).toBe(403);
    const owned = await create(OWNED_SLICE, staffToken);
    expect(owned.status).toBe(201);
    expect(owned.body.data).toMatchObject({ name: 'Generated', createdById: expect.any(String) });
  }, 120_000);

  /**
   * A database and Redis key prefix of this suite's own, so the copy's runs never touch the
   * databases of the suites around it: a fresh database (or embedded folder) per use.
   */
  async function privateServices(label: string): Promise<Record<string, string>> {
    const suffix = `${label}_${randomBytes(3).toString('hex')}`;
    const redis: Record<string, string> = process.env.REDIS_URL
      ? { REDIS_URL: process.env.REDIS_URL, REDIS_KEY_PREFIX: `test:slice:${suffix}:` }
      : {};
    const serverUrl = process.env.DATABASE_URL;
    if (!serverUrl) {
      const dir = await mkdtemp(join(tmpdir(), `commerce-slice-${label}-`));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      return { EMBEDDED_DB_DIR: dir, ...redis };
    }
    const name = `${databaseNameOf(serverUrl)}_slice_${suffix}`;
    // The e2e global setup creates `<name>_tpl` (and drops it); the boot migrates `<name>` itself.
    await withAdminClient(serverUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
    cleanups.push(() =>
      withAdminClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)),
    );
    return { DATABASE_URL: withDatabase(serverUrl, name), ...redis };
  }
});

interface OpenApi {
  readonly paths: Record<string, Record<string, { security?: unknown }>>;
}

/** Every file at or below `paths` (relative to `root`). */
async function filesUnder(root: string, paths: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const path of paths) {
    const entry = await stat(join(root, path));
    if (!entry.isDirectory()) {
      found.push(path);
      continue;
    }
    const children = await readdir(join(root, path), { recursive: true, withFileTypes: true });
    found.push(
      ...children.filter((child) => child.isFile()).map((child) => relative(root, join(child.parentPath, child.name))),
    );
  }
  return found;
}

/** The environment of this process, minus what belongs to the Jest run that is executing it. */
function childEnvironment(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('JEST_') || key === 'TEST_DATABASE_TEMPLATE') delete env[key];
  }
  return { ...env, CI: 'true', FORCE_COLOR: '0', NO_COLOR: '1' };
}

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}
