import { Injectable } from '@nestjs/common';
import type { Counter } from 'prom-client';

import { MetricsRegistry } from '../platform/metrics/metrics-registry';

/** Sign-ins, token rotations and revocation-store fallbacks, by outcome. */
@Injectable()
export class AuthMetrics {
  readonly logins: Counter<'result'>;
  readonly refreshes: Counter<'result'>;
  readonly revocationFallbacks: Counter<'outcome'>;

  constructor(registry: MetricsRegistry) {
    this.logins = registry.counter({
      name: 'auth_logins_total',
      help: 'Password sign-ins, by result (success, failure)',
      labelNames: ['result'],
    });
    this.refreshes = registry.counter({
      name: 'auth_token_refreshes_total',
      help: 'Refresh-token exchanges, by result (rotated, reused, rejected)',
      labelNames: ['result'],
    });
    this.revocationFallbacks = registry.counter({
      name: 'auth_revocation_fallbacks_total',
      help: 'Access-token revocation checks answered from Postgres because the revocation store failed',
      labelNames: ['outcome'],
    });
  }
}
