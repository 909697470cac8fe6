import { join } from 'node:path';

import { APP_MAIN, PRODUCTION_NODE_FLAGS, productionEnv } from './apps';
import type { SuiteContext } from './context';
import { median, run } from './load';
import type { CpuPlacement } from './machine';
import { orderTarget } from './orders';
import { residentMb, startServer } from './processes';
import type { Scratch } from './scratch';

export interface SoakResult {
  readonly seconds: number;
  /** Median RSS over the first and the last tenth of the soak (after its warm-up), MB. */
  readonly startMb: number;
  readonly endMb: number;
  readonly peakMb: number;
  readonly growthPercent: number;
  readonly requests: number;
}

const SAMPLE_MS = 500;

/**
 * Cached reads and order placements against the full-stack app at once, for the soak's length;
 * its RSS is sampled throughout. Growth compares the start and the end of the soak, each as a
 * median of several samples so one garbage collection does not decide the figure.
 */
export async function soak(ctx: SuiteContext): Promise<SoakResult> {
  const seconds = ctx.options.soakSeconds;
  const reads = {
    label: 'soak reads',
    url: `${ctx.app.baseUrl}/api/v1/products/${ctx.fixtures.readProductId}`,
    connections: 8,
  };
  const orders = orderTarget(ctx, 'soak orders', ctx.app, (i) => ({
    authorization: `Bearer ${ctx.tokens[i % ctx.tokens.length]}`,
  }));
  await Promise.all([
    run(reads, ctx.options.warmUpSeconds),
    run({ ...orders, connections: 8 }, ctx.options.warmUpSeconds),
  ]);
  const samples: number[] = [];
  const timer = setInterval(() => samples.push(residentMb(ctx.app.pid)), SAMPLE_MS);
  samples.push(residentMb(ctx.app.pid));
  const [read, write] = await Promise.all([run(reads, seconds), run({ ...orders, connections: 8 }, seconds)]);
  clearInterval(timer);
  samples.push(residentMb(ctx.app.pid));
  const tenth = Math.max(1, Math.floor(samples.length / 10));
  const startMb = median(samples.slice(0, tenth));
  const endMb = median(samples.slice(-tenth));
  return {
    seconds,
    startMb,
    endMb,
    peakMb: Math.max(...samples),
    growthPercent: (100 * (endMb - startMb)) / startMb,
    requests: Math.round((read.requestsPerSecond + write.requestsPerSecond) * seconds),
  };
}

/**
 * Process start to the first 200 on /health/ready with no DATABASE_URL and no REDIS_URL: the
 * embedded Postgres (in memory, from the cluster image built with the app) and in-process fallbacks.
 */
export async function embeddedReadyMs(scratch: Scratch, placement: CpuPlacement): Promise<number> {
  const { NODE_ENV, JWT_SECRET, FIELD_ENCRYPTION_KEYS, LOG_LEVEL, LOG_FORMAT, METRICS_PUBLIC } = productionEnv(scratch);
  const server = await startServer(
    {
      name: 'app-embedded',
      args: [...PRODUCTION_NODE_FLAGS, APP_MAIN],
      env: {
        NODE_ENV,
        JWT_SECRET,
        FIELD_ENCRYPTION_KEYS,
        LOG_LEVEL,
        LOG_FORMAT,
        METRICS_PUBLIC,
        EMBEDDED_DB_DIR: 'memory',
        ...scratch.paymentEnv,
      },
      logFile: join(scratch.dir, 'app-embedded.log'),
      readyTimeoutMs: 60_000,
    },
    placement,
  );
  await server.stop();
  return server.readyMs;
}
