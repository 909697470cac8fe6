import { Injectable } from '@nestjs/common';
import type { Counter } from 'prom-client';

import { MetricsRegistry } from '../metrics/metrics-registry';

/** Failures of the shared revocation store, by operation (`check`, `revoke`). */
@Injectable()
export class RevocationMetrics {
  readonly errors: Counter<'operation'>;
  readonly pendingRetries: Counter;

  constructor(registry: MetricsRegistry) {
    this.errors = registry.counter({
      name: 'revocation_store_errors_total',
      help: 'Revocation store operations that failed or timed out',
      labelNames: ['operation'],
    });
    this.pendingRetries = registry.counter({
      name: 'revocation_store_retried_writes_total',
      help: 'Revocations written to Redis by the background retry after a failed first write',
    });
  }
}
