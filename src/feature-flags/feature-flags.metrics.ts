import { Injectable } from '@nestjs/common';
import type { Counter } from 'prom-client';

import { MetricsRegistry } from '../platform/metrics/metrics-registry';

/**
 * Flag evaluations by flag and result, and failed loads of the flag set. Flag keys are labels:
 * admins define a bounded set of them; user ids never are.
 */
@Injectable()
export class FeatureFlagsMetrics {
  readonly evaluations: Counter<'flag' | 'result'>;
  readonly loadFailures: Counter;

  constructor(registry: MetricsRegistry) {
    this.evaluations = registry.counter({
      name: 'feature_flag_evaluations_total',
      help: 'Feature flag evaluations, by flag key and result (on/off)',
      labelNames: ['flag', 'result'],
    });
    this.loadFailures = registry.counter({
      name: 'feature_flag_load_failures_total',
      help: 'Loads of the flag set that failed (the last known flags, or none, were served instead)',
    });
  }
}
