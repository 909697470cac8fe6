/**
 * `npm run bench`: the application measured side by side with bare `node:http` servers doing the
 * same work, in one run (docs/performance.md).
 *
 *   B1  cached product read, full production stack vs one Redis GET
 *   B2  product list with the cache off vs the same SQL through `pg`
 *   B3  order placement by 50 signed-in customers vs the same transaction in raw SQL (+ oversell checks)
 *   B4  B1's route with each switchable layer removed in turn, and with all of them off
 *   resources: peak RSS under B1 and B3, RSS growth over a soak, time to ready (embedded and real)
 *
 * Options: --smoke (seconds, for the test suite), --rounds=N, --seconds=N, --soak-seconds=N,
 * --results=FILE (default bench/results/latest.json), --profile (CPU profile of the full-stack app).
 * Uses a scratch database next to DATABASE_URL (an embedded Postgres without it) and a Redis key
 * prefix of its own (in-process fallbacks without REDIS_URL); both are removed at the end.
 */
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';

import { startApp } from './suite/apps';
import type { SuiteContext } from './suite/context';
import { CUSTOMER_PASSWORD, seedFixtures } from './suite/fixtures';
import { layerCosts } from './suite/layers';
import { median } from './suite/load';
import { loadAverage, placeProcesses } from './suite/machine';
import { parseOptions } from './suite/options';
import { orderPlacement } from './suite/orders';
import { killAll, type Server, stopAll } from './suite/processes';
import { cachedRead, listRead } from './suite/reads';
import { judge, printResults, type Results, RESULTS_SCHEMA, writeResults } from './suite/report';
import { embeddedReadyMs, soak } from './suite/resources';
import { openScratch } from './suite/scratch';

/** The whole suite, smoke or full, must end within this; a hung phase is killed. */
const TIME_LIMIT_MS = 10 * 60_000;

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const limit = setTimeout(() => abort(`took longer than ${TIME_LIMIT_MS / 60_000} minutes`), TIME_LIMIT_MS).unref();
  const started = Date.now();
  const loadAtStart = loadAverage();
  const placement = placeProcesses();
  log(`${options.mode} run; ${placement.description}; load average ${loadAtStart.join(' / ')}`);

  // First and alone: the embedded start is the heaviest (WebAssembly compilation).
  const scratch = await openScratch();
  try {
    const embedded = await embeddedReadyMs(scratch, placement);
    log(`ready in ${embedded.toFixed(0)} ms with the embedded Postgres`);
    // The first start applies the migrations; the one after it measures a start on real services.
    const migrating = await startApp('app-migrate', scratch, placement);
    await migrating.stop();
    const fixtures = await seedFixtures(scratch.databaseUrl, options.productCount, options.orderClients);
    const profileDir = join(dirname(resolve(options.resultsFile)), 'profiles');
    const app = await startApp(
      'app',
      scratch,
      placement,
      {},
      options.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    );
    log(
      `database: ${scratch.databaseLabel}; ${options.productCount} products; app ready in ${app.readyMs.toFixed(0)} ms`,
    );
    const ctx: SuiteContext = {
      options,
      scratch,
      placement,
      fixtures,
      app,
      tokens: await login(app, fixtures.customers),
      pairs: { rounds: options.rounds, seconds: options.seconds, warmUpSeconds: options.warmUpSeconds },
      layers: { rounds: options.rounds, seconds: options.layerSeconds, warmUpSeconds: options.warmUpSeconds },
    };

    log('B1 cached read');
    const [b1, b1Peak] = await cachedRead(ctx);
    log('B2 list read');
    const b2 = await listRead(ctx);
    log('B3 order placement');
    const [b3, oversell, b3Peak] = await orderPlacement(ctx);
    log('B4 middleware cost');
    const layers = await layerCosts(ctx);
    log(`soak, ${options.soakSeconds} s`);
    const soaked = await soak(ctx);
    await app.stop();

    const realStarts = [app.readyMs, ...layers.readyMs];
    const partial: Omit<Results, 'targets'> = {
      schema: RESULTS_SCHEMA,
      mode: options.mode,
      startedAt: new Date(started).toISOString(),
      elapsedSeconds: Math.round((Date.now() - started) / 1000),
      conditions: {
        node: process.version,
        cpus: cpus().length,
        placement: placement.description,
        loadAverage: { start: loadAtStart, end: loadAverage() },
        database: scratch.databaseLabel,
        redis: scratch.redisUrl ? 'Redis (REDIS_URL)' : 'none: in-process cache and limits',
        rounds: options.rounds,
        seconds: options.seconds,
        layerSeconds: options.layerSeconds,
        warmUpSeconds: options.warmUpSeconds,
        soakSeconds: options.soakSeconds,
        products: options.productCount,
        orderClients: options.orderClients,
        poolSize: scratch.poolSize,
        logs: 'JSON at info, to a file',
      },
      pairs: [b1, b2, b3],
      layers: { ...layers, fullVsBare: layers.variants[0].summary.requestsPerSecond / b1.bare.requestsPerSecond },
      oversell,
      resources: {
        peakRssMb: { cachedRead: b1Peak, orderPlacement: b3Peak },
        soak: soaked,
        readyMs: { embedded, real: median(realStarts), realStarts },
      },
    };
    const results: Results = { ...partial, targets: judge(partial) };
    await writeResults(options.resultsFile, results);
    printResults(results);
    log(`results written to ${options.resultsFile} (${results.elapsedSeconds} s)`);
  } finally {
    await stopAll();
    await scratch.dispose();
    clearTimeout(limit);
  }
}

/** Access tokens of the customers, five logins at a time (each is an argon2 verification). */
async function login(app: Server, customers: ReadonlyArray<{ email: string }>): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < customers.length; i += 5) {
    const batch = customers.slice(i, i + 5).map(async ({ email }) => {
      const response = await fetch(`${app.baseUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: CUSTOMER_PASSWORD }),
      });
      if (!response.ok) throw new Error(`login of ${email}: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { data: { accessToken: string } }).data.accessToken;
    });
    tokens.push(...(await Promise.all(batch)));
  }
  return tokens;
}

function log(message: string): void {
  console.log(`[bench] ${message}`);
}

function abort(reason: string): void {
  console.error(`bench aborted: ${reason}`);
  killAll();
  process.exit(1);
}

main().catch((error: unknown) => {
  console.error(error);
  killAll();
  process.exitCode = 1;
});
