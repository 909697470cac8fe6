import type { INestApplication } from '@nestjs/common';

import { MetricsRegistry } from '../../src/platform/metrics/metrics-registry';

/** Sum of a metric's samples whose labels include `labels` (0 when the metric has none yet). */
export async function metricValue(
  app: INestApplication,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const metric = app.get(MetricsRegistry).registry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  return values
    .filter((sample) => Object.entries(labels).every(([key, value]) => sample.labels[key] === value))
    .reduce((sum, sample) => sum + sample.value, 0);
}
