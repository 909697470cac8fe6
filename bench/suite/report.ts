import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

import type { PairResult } from './context';
import type { LayerCosts } from './layers';
import type { Summary } from './load';
import type { OversellCheck } from './orders';
import type { SoakResult } from './resources';

export const RESULTS_SCHEMA = 'commerce-bench/1';

export interface Target {
  readonly name: string;
  readonly value: number;
  readonly comparison: '>=' | '<=' | '=';
  readonly limit: number;
  readonly met: boolean;
}

export interface Results {
  readonly schema: typeof RESULTS_SCHEMA;
  readonly mode: 'full' | 'smoke';
  readonly startedAt: string;
  readonly elapsedSeconds: number;
  readonly conditions: Record<string, unknown>;
  readonly pairs: readonly PairResult[];
  readonly layers: LayerCosts & { readonly fullVsBare: number };
  readonly oversell: readonly OversellCheck[];
  readonly resources: {
    readonly peakRssMb: { readonly cachedRead: number; readonly orderPlacement: number };
    readonly soak: SoakResult;
    readonly readyMs: { readonly embedded: number; readonly real: number; readonly realStarts: readonly number[] };
  };
  readonly targets: readonly Target[];
}

/** The acceptance targets of the suite, judged on this run's figures. */
export function judge(results: Omit<Results, 'targets'>): Target[] {
  const at = (name: string, value: number, comparison: Target['comparison'], limit: number): Target => ({
    name,
    value,
    comparison,
    limit,
    met: comparison === '>=' ? value >= limit : comparison === '<=' ? value <= limit : value === limit,
  });
  return [
    ...results.pairs.flatMap((pair) => [
      ...(pair.framework
        ? [at(`${pair.id} app/B0 throughput`, pair.framework.ratio, '>=', pair.framework.target)]
        : []),
      at(`${pair.id} app/bare throughput`, pair.ratio, '>=', pair.target),
    ]),
    ...results.oversell.map((check) =>
      at(`B3 ${check.side} units oversold`, check.oversold + check.sellOut.oversold, '=', 0),
    ),
    at('peak RSS under B1 (MB)', results.resources.peakRssMb.cachedRead, '<=', 250),
    at('peak RSS under B3 (MB)', results.resources.peakRssMb.orderPlacement, '<=', 250),
    at('RSS growth over the soak (%)', results.resources.soak.growthPercent, '<=', 5),
    at('ready, embedded (ms)', results.resources.readyMs.embedded, '<=', 5000),
    at('ready, real services (ms)', results.resources.readyMs.real, '<=', 2000),
  ];
}

export async function writeResults(file: string, results: Results): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
}

export function printResults(results: Results): void {
  console.log(`\nPairs (medians of ${String(results.conditions.rounds)} interleaved rounds)`);
  console.log('  app/B0: against a plain NestJS app doing the same I/O; app/bare: against plain node:http');
  const row = (id: string, side: Summary, ratios: string[]): string[] => [
    id,
    side.label,
    fixed(side.requestsPerSecond, 0),
    fixed(side.p50Ms, 1),
    fixed(side.p99Ms, 1),
    String(side.failed),
    ...ratios,
  ];
  table(
    ['', 'side', 'req/s', 'p50 ms', 'p99 ms', 'failed', 'app/B0', 'app/bare'],
    results.pairs.flatMap((pair) => [
      row(pair.id, pair.app, [pair.framework ? fixed(pair.framework.ratio, 2) : '-', fixed(pair.ratio, 2)]),
      ...(pair.framework ? [row('', pair.framework.summary, ['', ''])] : []),
      row('', pair.bare, ['', '']),
    ]),
  );
  for (const pair of results.pairs) for (const note of pair.notes) console.log(`  ${pair.id}: ${note}`);

  console.log(`\nB4 middleware cost, ${results.layers.route}`);
  table(
    ['variant', 'req/s', 'p50 ms', 'p99 ms', 'µs/request saved'],
    results.layers.variants.map((variant) => [
      variant.label,
      fixed(variant.summary.requestsPerSecond, 0),
      fixed(variant.summary.p50Ms, 1),
      fixed(variant.summary.p99Ms, 1),
      variant.id === 'full' ? '' : fixed(variant.savedUsPerRequest, 0),
    ]),
  );
  console.log(`  full stack / stack off: ${fixed(results.layers.fullVsOff, 2)}`);
  console.log(`  full stack / bare node:http route (B1): ${fixed(results.layers.fullVsBare, 2)}`);

  const { peakRssMb, soak, readyMs } = results.resources;
  console.log('\nResources');
  console.log(
    `  peak RSS: ${fixed(peakRssMb.cachedRead, 0)} MB under B1, ${fixed(peakRssMb.orderPlacement, 0)} MB under B3`,
  );
  console.log(
    `  soak ${soak.seconds} s (${soak.requests} requests): ${fixed(soak.startMb, 0)} -> ${fixed(soak.endMb, 0)} MB (${fixed(soak.growthPercent, 1)}%), peak ${fixed(soak.peakMb, 0)} MB`,
  );
  console.log(
    `  ready: ${fixed(readyMs.embedded, 0)} ms embedded, ${fixed(readyMs.real, 0)} ms on real services (median)`,
  );

  console.log('\nTargets');
  for (const target of results.targets) {
    console.log(
      `  ${target.met ? 'met   ' : 'MISSED'} ${target.name}: ${fixed(target.value, 2)} (${target.comparison} ${target.limit})`,
    );
  }
}

function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : String(value);
}

function table(header: string[], rows: string[][]): void {
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => row[i].length)));
  for (const row of [header, ...rows]) {
    console.log(`  ${row.map((cell, i) => (i <= 1 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ')}`);
  }
}
