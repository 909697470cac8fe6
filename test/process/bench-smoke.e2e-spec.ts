import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

import { type Results, RESULTS_SCHEMA } from '../../bench/suite/report';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../..');
const SMOKE_BUDGET_MS = 240_000;

/**
 * Keeps `npm run bench` from rotting: its smoke mode runs every phase of the suite for a second
 * or so against the built app (with DATABASE_URL/REDIS_URL when the tests have them, else the
 * embedded fallbacks), and must leave a well-formed results file. The figures themselves are not
 * judged here: on a shared machine they mean nothing in a run this short.
 */
describe('npm run bench -- --smoke', () => {
  let dir: string;
  let results: Results;
  let output: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bench-smoke-'));
    await run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'bench/tsconfig.json'], { cwd: ROOT });
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
    for (const name of ['DATABASE_URL', 'REDIS_URL'] as const)
      if (process.env[name]) Object.assign(env, { [name]: process.env[name] });
    const file = join(dir, 'latest.json');
    const smoke = await run(process.execPath, ['dist/bench-build/bench/run.js', '--smoke', `--results=${file}`], {
      cwd: ROOT,
      env,
      timeout: SMOKE_BUDGET_MS,
      maxBuffer: 16 * 1024 * 1024,
    });
    output = smoke.stdout;
    results = JSON.parse(await readFile(file, 'utf8')) as Results;
  }, SMOKE_BUDGET_MS + 60_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a smoke-mode results file of the current schema', () => {
    expect(results.schema).toBe(RESULTS_SCHEMA);
    expect(results.mode).toBe('smoke');
    expect(results.conditions).toEqual(expect.objectContaining({ rounds: 1, cpus: expect.any(Number) }));
  });

  it('measures both sides of B1, B2 and B3, with answers on each side', () => {
    expect(results.pairs.map((pair) => pair.id)).toEqual(['B1', 'B2', 'B3']);
    for (const pair of results.pairs) {
      for (const side of [pair.app, pair.bare]) {
        expect(side.requestsPerSecond).toBeGreaterThan(0);
        expect(side.p99Ms).toBeGreaterThanOrEqual(side.p50Ms);
        expect(side.rounds).toHaveLength(1);
      }
      expect(pair.ratio).toBeCloseTo(pair.app.requestsPerSecond / pair.bare.requestsPerSecond, 6);
    }
  });

  it('finds no oversold unit on either side of B3, also when stock runs out', () => {
    expect(results.oversell.map((check) => check.side)).toEqual(['app', 'bare']);
    for (const check of results.oversell) {
      expect(check.oversold).toBe(0);
      expect(check.sellOut.oversold).toBe(0);
      expect(check.sellOut.sold).toBeLessThanOrEqual(check.sellOut.offered);
      expect(check.ordersPlaced).toBeGreaterThan(0);
    }
  });

  it('compares the full stack with the stack off (B4) and prints the ratio', () => {
    expect(results.layers.variants.map((variant) => variant.id)).toEqual(['full', 'off']);
    expect(results.layers.fullVsOff).toBeGreaterThan(0);
    expect(results.layers.fullVsBare).toBeGreaterThan(0);
    expect(output).toContain('full stack / stack off:');
  });

  it('records memory and start-up figures, and judges every target', () => {
    const { peakRssMb, soak, readyMs } = results.resources;
    expect(peakRssMb.cachedRead).toBeGreaterThan(0);
    expect(peakRssMb.orderPlacement).toBeGreaterThan(0);
    expect(soak.endMb).toBeGreaterThan(0);
    expect(Number.isFinite(soak.growthPercent)).toBe(true);
    expect(readyMs.embedded).toBeGreaterThan(0);
    expect(readyMs.real).toBeGreaterThan(0);
    expect(results.targets.length).toBeGreaterThanOrEqual(10);
    for (const target of results.targets) expect(typeof target.met).toBe('boolean');
  });
});
