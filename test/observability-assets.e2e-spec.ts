import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parse } from 'yaml';

import { createTestApp, type TestApp } from './support/test-app';

const ASSETS = join(__dirname, '..', 'deploy', 'observability');

/** Series Prometheus itself adds to every scrape target; the app cannot export them. */
const SCRAPE_SERIES = new Set(['up']);

/** PromQL words that look like identifiers but are not metric names. */
const PROMQL_WORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'e',
]);

/**
 * The metric names a PromQL expression reads: label matchers, grouping clauses, range selectors,
 * strings and function calls are stripped, and what remains are series names.
 */
export function metricNamesIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring)\s*\([^)]*\)/g, ' ')
    .replace(/\b[a-z_][a-z0-9_]*\s*\(/gi, ' (');
  const words = bare.match(/\b[a-zA-Z_:][a-zA-Z0-9_:]*\b/g) ?? [];
  return [...new Set(words.filter((word) => !PROMQL_WORDS.has(word)))];
}

/** Every series name the exposition can contain: families, plus _bucket/_sum/_count of histograms. */
function exportedSeries(exposition: string): Set<string> {
  const series = new Set<string>();
  for (const [, name, type] of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    series.add(name);
    if (type === 'histogram' || type === 'summary') ['_bucket', '_sum', '_count'].forEach((s) => series.add(name + s));
  }
  return series;
}

function alertExpressions(): Array<{ alert: string; expr: string }> {
  const rules = parse(readFileSync(join(ASSETS, 'prometheus-alerts.yml'), 'utf8')) as {
    groups: Array<{ rules: Array<{ alert: string; expr: string; for?: string }> }>;
  };
  return rules.groups.flatMap((group) => group.rules);
}

interface DashboardPanel {
  readonly title: string;
  readonly type: string;
  readonly targets?: Array<{ expr: string }>;
}

function dashboardExpressions(): Array<{ panel: string; expr: string }> {
  const dashboard = JSON.parse(readFileSync(join(ASSETS, 'grafana-dashboard.json'), 'utf8')) as {
    panels: DashboardPanel[];
  };
  return dashboard.panels.flatMap((panel) => (panel.targets ?? []).map(({ expr }) => ({ panel: panel.title, expr })));
}

describe('observability assets (alert rules, Grafana dashboard)', () => {
  let sut: TestApp;
  let exported: Set<string>;

  beforeAll(async () => {
    sut = await createTestApp();
    exported = exportedSeries((await sut.http().get('/metrics').expect(200)).text);
  });

  afterAll(async () => {
    await sut.close();
  });

  it('reads metric names out of PromQL', () => {
    expect(
      metricNamesIn('sum by (le) (rate(http_request_duration_seconds_bucket{route!="x"}[5m])) / clamp_min(up, 1e-9)'),
    ).toEqual(['http_request_duration_seconds_bucket', 'up']);
  });

  it('alerts only on metrics the app exports', () => {
    const rules = alertExpressions();
    expect(rules.length).toBeGreaterThanOrEqual(10);
    const unknown = rules.flatMap(({ alert, expr }) =>
      metricNamesIn(expr)
        .filter((name) => !exported.has(name) && !SCRAPE_SERIES.has(name))
        .map((name) => `${alert}: ${name}`),
    );
    expect(unknown).toEqual([]);
  });

  it('charts only metrics the app exports, and every panel has a query', () => {
    const queries = dashboardExpressions();
    expect(queries.length).toBeGreaterThanOrEqual(20);
    const unknown = queries.flatMap(({ panel, expr }) =>
      metricNamesIn(expr)
        .filter((name) => !exported.has(name))
        .map((name) => `${panel}: ${name}`),
    );
    expect(unknown).toEqual([]);
    expect(queries.filter(({ expr }) => metricNamesIn(expr).length === 0)).toEqual([]);
  });

  it('covers the failure signals the runbook names', () => {
    const alerted = new Set(alertExpressions().flatMap(({ expr }) => metricNamesIn(expr)));
    for (const signal of [
      'http_requests_total',
      'http_request_duration_seconds_bucket',
      'rate_limit_exceeded_total',
      'circuit_breaker_state',
      'outbox_oldest_pending_age_seconds',
      'events_dead_lettered_total',
      'cache_errors_total',
    ]) {
      expect(alerted).toContain(signal);
    }
  });
});
