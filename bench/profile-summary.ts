/**
 * `npm run bench:profile -- <file.cpuprofile> [--top=N]`: where the CPU time of a V8 profile
 * (`node --cpu-prof`, e.g. from `npm run bench -- --profile`) went, as self time grouped by
 * package (node_modules/<name>, the app's own code, Node internals, GC, idle) and as the
 * functions with the most self time. Good enough to decide what to optimise; open the file in
 * Chrome DevTools for the call trees.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly children?: readonly number[];
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly hitCount?: number;
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

export interface ProfileSummary {
  readonly totalMs: number;
  readonly byArea: ReadonlyArray<{ area: string; ms: number; percent: number }>;
  readonly topFunctions: ReadonlyArray<{ name: string; area: string; ms: number; percent: number }>;
  /** Functions by time spent in them or in what they called (synchronously), outside Node internals. */
  readonly topInclusive: ReadonlyArray<{ name: string; area: string; ms: number; percent: number }>;
}

export function summarize(profile: CpuProfile, top = 20): ProfileSummary {
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const totalUs = [...selfUs.values()].reduce((sum, us) => sum + us, 0);
  const areas = new Map<string, number>();
  const functions = new Map<string, { area: string; us: number }>();
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    if (us === 0) continue;
    const area = areaOf(node.callFrame.url, node.callFrame.functionName);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const name = nameOf(node.callFrame);
    const entry = functions.get(name) ?? { area, us: 0 };
    entry.us += us;
    functions.set(name, entry);
  }
  const inclusive = inclusiveTimes(profile, selfUs);
  const percent = (us: number) => Number(((100 * us) / totalUs).toFixed(1));
  return {
    totalMs: Math.round(totalUs / 1000),
    byArea: [...areas]
      .sort((a, b) => b[1] - a[1])
      .map(([area, us]) => ({ area, ms: Math.round(us / 1000), percent: percent(us) })),
    topFunctions: [...functions]
      .sort((a, b) => b[1].us - a[1].us)
      .slice(0, top)
      .map(([name, { area, us }]) => ({ name, area, ms: Math.round(us / 1000), percent: percent(us) })),
    topInclusive: [...inclusive]
      .filter(([, { area }]) => !area.startsWith('(') && area !== 'node internals')
      .sort((a, b) => b[1].us - a[1].us)
      .slice(0, top)
      .map(([name, { area, us }]) => ({ name, area, ms: Math.round(us / 1000), percent: percent(us) })),
  };
}

/** Each function's self time plus that of everything below it in the call tree (counted once per stack). */
function inclusiveTimes(
  profile: CpuProfile,
  selfUs: ReadonlyMap<number, number>,
): Map<string, { area: string; us: number }> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const totals = new Map<string, { area: string; us: number }>();
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = (byId.get(at) as ProfileNode).callFrame;
      const name = nameOf(frame);
      if (seen.has(name)) continue;
      seen.add(name);
      const entry = totals.get(name) ?? { area: areaOf(frame.url, frame.functionName), us: 0 };
      entry.us += us;
      totals.set(name, entry);
    }
  }
  return totals;
}

function nameOf(frame: ProfileNode['callFrame']): string {
  return `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
}

function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const packages = url.lastIndexOf('/node_modules/');
  if (packages !== -1) {
    const [scopeOrName, name] = url.slice(packages + '/node_modules/'.length).split('/');
    return scopeOrName.startsWith('@') ? `${scopeOrName}/${name}` : scopeOrName;
  }
  if (url.startsWith('node:')) return 'node internals';
  if (url.includes('/dist/')) return 'app';
  return url;
}

function shortUrl(url: string): string {
  const packages = url.lastIndexOf('/node_modules/');
  if (packages !== -1) return url.slice(packages + '/node_modules/'.length);
  const dist = url.indexOf('/dist/');
  return dist === -1 ? url : url.slice(dist + 1);
}

function main(): void {
  const file = process.argv[2];
  if (!file) throw new Error('usage: npm run bench:profile -- <file.cpuprofile> [--top=N]');
  const top = Number(/^--top=(\d+)$/.exec(process.argv[3] ?? '')?.[1] ?? 20);
  const summary = summarize(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, top);
  console.log(`${file}: ${summary.totalMs} ms of samples\n\nself time by area`);
  for (const { area, ms, percent } of summary.byArea.slice(0, 25)) {
    console.log(`  ${String(percent).padStart(5)}%  ${String(ms).padStart(7)} ms  ${area}`);
  }
  console.log('\nfunctions with the most self time');
  for (const { name, ms, percent } of summary.topFunctions) {
    console.log(`  ${String(percent).padStart(5)}%  ${String(ms).padStart(7)} ms  ${name}`);
  }
  console.log('\nfunctions by inclusive time (with what they call), outside Node internals');
  for (const { name, ms, percent } of summary.topInclusive) {
    console.log(`  ${String(percent).padStart(5)}%  ${String(ms).padStart(7)} ms  ${name}`);
  }
}

if (require.main === module) main();
