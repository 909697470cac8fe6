import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { collectDefaultMetrics, Registry } from 'prom-client';

const ROOT = resolve(__dirname, '..');

/** The metric names the app registers, read from every `registry.counter/gauge/histogram({ name })` in src. */
function registeredMetricNames(): Set<string> {
  const names = new Set<string>();
  const files = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' }).filter(
    (file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'),
  );
  for (const file of files) {
    const text = readFileSync(join(ROOT, 'src', file), 'utf8');
    for (const match of text.matchAll(/registry\.(?:counter|gauge|histogram)\(\{\s*name: '([a-z0-9_]+)'/g)) {
      names.add(match[1]);
    }
  }
  return names;
}

/** prom-client's process and Node.js metrics, which the registry also serves. */
async function defaultMetricNames(): Promise<Set<string>> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const names = (await registry.getMetricsAsJSON()).map((metric) => metric.name);
  registry.clear();
  return new Set(names);
}

/** Metric-looking names in the code spans and blocks of a Markdown file, series suffixes removed. */
function metricNamesIn(markdown: string): string[] {
  const fences = /^```[^\n]*\n([\s\S]*?)^```/gm;
  const blocks = [...markdown.matchAll(fences)].map((match) => match[1]);
  const spans = [...markdown.replace(fences, '').matchAll(/`([^`\n]+)`/g)].map((match) => match[1]);
  const code = [...blocks, ...spans].join('\n');
  const names = code.match(/\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b/g) ?? [];
  return [
    ...new Set(
      names
        .filter((name) =>
          /(_total|_seconds(_bucket|_count|_sum)?|_bytes|_state|_in_progress|_jobs|_pending_events)$/.test(name),
        )
        .map((name) => name.replace(/_(bucket|count|sum)$/, '')),
    ),
  ];
}

describe('docs/operations.md', () => {
  it('names only metrics the app really exports (or kube-state-metrics, marked kube_)', async () => {
    const known = new Set([...registeredMetricNames(), ...(await defaultMetricNames())]);
    const named = metricNamesIn(readFileSync(join(ROOT, 'docs/operations.md'), 'utf8'));

    expect(named.length).toBeGreaterThan(25);
    expect(named.filter((name) => !known.has(name) && !name.startsWith('kube_'))).toEqual([]);
  });

  it('covers every alert the runbook promises', () => {
    const text = readFileSync(join(ROOT, 'docs/operations.md'), 'utf8');
    const alerts = [...text.matchAll(/^\*\*([^*]+)\*\*(?: \([^)]*\))?:/gm)].map((match) => match[1]);

    expect(alerts).toEqual(
      expect.arrayContaining([
        'High 5xx rate',
        'p99 latency',
        'Rate-limit spike',
        'Circuit breaker open',
        'Outbox backlog',
        'Queue backlog',
        'Dead letters',
        'Readiness failing',
        'Redis down',
      ]),
    );
  });
});
