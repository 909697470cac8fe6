import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { Redis } from 'ioredis';

import { jwtSecret, startApp, startBaseline } from './apps';
import { LIST_PATH, type PairResult, READ_CONNECTIONS, type SuiteContext } from './context';
import { interleave } from './load';
import { withPeakRss } from './processes';

const BARE_BODY_KEY = 'bare:product-body';

/**
 * B1: a cached product detail through the full production stack vs a bare server answering with
 * the same bytes from one Redis GET. Resolves with the pair and the app's peak RSS under it.
 */
export async function cachedRead(ctx: SuiteContext): Promise<[PairResult, number]> {
  const path = `/api/v1/products/${ctx.fixtures.readProductId}`;
  await fetchBody(`${ctx.app.baseUrl}${path}`); // fills the cache
  const appBody = await fetchBody(`${ctx.app.baseUrl}${path}`);
  const key = `${ctx.scratch.redisKeyPrefix}${BARE_BODY_KEY}`;
  const bodyFile = join(ctx.scratch.dir, 'product-body.json');
  await storeBody(ctx, key, bodyFile, appBody);
  const env = { BARE_KEY: key, BARE_BODY_FILE: bodyFile };
  const bare = await startBaseline('cached-read', ctx.scratch, ctx.placement, env);
  const nest = await startBaseline('nest-cached-read', ctx.scratch, ctx.placement, env);
  try {
    const notes = [
      sameBytes(appBody, await fetchBody(`${bare.baseUrl}${path}`)),
      `B0: ${sameBytes(appBody, await fetchBody(`${nest.baseUrl}${path}`))}`,
    ];
    const [[app, framework, baseline], peak] = await withPeakRss(ctx.app, () =>
      interleave(
        [
          { label: 'app (full stack, cached)', url: `${ctx.app.baseUrl}${path}`, connections: READ_CONNECTIONS },
          { label: 'B0 plain NestJS + Redis GET', url: `${nest.baseUrl}${path}`, connections: READ_CONNECTIONS },
          { label: 'bare node:http + Redis GET', url: `${bare.baseUrl}${path}`, connections: READ_CONNECTIONS },
        ],
        ctx.pairs,
      ),
    );
    const result: PairResult = {
      ...pair('B1', 'GET /api/v1/products/:id, served from the cache', app, baseline, 0.2, notes),
      framework: {
        summary: framework,
        ratio: app.requestsPerSecond / Math.max(framework.requestsPerSecond, 1e-9),
        target: 0.5,
      },
    };
    return [result, peak];
  } finally {
    await Promise.all([bare.stop(), nest.stop()]);
  }
}

/** B2: the newest page of products with the cache off (every request reaches Postgres) vs the same SQL through `pg`. */
export async function listRead(ctx: SuiteContext): Promise<PairResult> {
  const uncached = await startApp('app-uncached', ctx.scratch, ctx.placement, { env: { CACHE_BACKEND: 'none' } });
  const bare = await startBaseline('list-read', ctx.scratch, ctx.placement, { JWT_SECRET: jwtSecret() });
  try {
    const notes = [sameBytes(await fetchBody(uncached.baseUrl + LIST_PATH), await fetchBody(bare.baseUrl + LIST_PATH))];
    const [app, baseline] = await interleave(
      [
        { label: 'app (full stack, cache off)', url: uncached.baseUrl + LIST_PATH, connections: READ_CONNECTIONS },
        { label: 'bare node:http + pg', url: bare.baseUrl + LIST_PATH, connections: READ_CONNECTIONS },
      ],
      ctx.pairs,
    );
    return pair('B2', 'GET /api/v1/products?limit=20&sort=createdAt:desc, cache bypassed', app, baseline, 0.6, notes);
  } finally {
    await Promise.all([uncached.stop(), bare.stop()]);
  }
}

export function pair(
  id: string,
  title: string,
  app: PairResult['app'],
  bare: PairResult['bare'],
  target: number,
  notes: string[],
): PairResult {
  return { id, title, app, bare, ratio: app.requestsPerSecond / Math.max(bare.requestsPerSecond, 1e-9), target, notes };
}

async function fetchBody(url: string): Promise<Buffer> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return Buffer.from(await response.arrayBuffer());
}

async function storeBody(ctx: SuiteContext, key: string, file: string, body: Buffer): Promise<void> {
  await writeFile(file, body);
  if (!ctx.scratch.redisUrl) return;
  const redis = new Redis(ctx.scratch.redisUrl);
  try {
    await redis.set(key, body, 'PX', 3_600_000);
  } finally {
    redis.disconnect();
  }
}

/** Both sides must answer with the same bytes, or the comparison is not like for like. */
function sameBytes(app: Buffer, bare: Buffer): string {
  if (!app.equals(bare)) {
    throw new Error(`the baseline answers differently:\n  app:  ${app.toString()}\n  bare: ${bare.toString()}`);
  }
  return `same ${app.length}-byte body on both sides`;
}
