import { Injectable } from '@nestjs/common';
import type { Counter, Histogram } from 'prom-client';

import { MetricsRegistry } from '../metrics/metrics-registry';

/** Password and CSRF checks, by result; how long a password verification takes (argon2 dominates). */
@Injectable()
export class SecurityMetrics {
  readonly passwordVerifications: Counter<'result'>;
  readonly passwordVerificationDuration: Histogram<'result'>;
  readonly csrfValidations: Counter<'result'>;

  constructor(registry: MetricsRegistry) {
    this.passwordVerifications = registry.counter({
      name: 'password_verifications_total',
      help: 'Password verifications, by result (match, mismatch)',
      labelNames: ['result'],
    });
    this.passwordVerificationDuration = registry.histogram({
      name: 'password_verification_duration_seconds',
      help: 'Time one password verification took (argon2id), by result',
      labelNames: ['result'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    });
    this.csrfValidations = registry.counter({
      name: 'csrf_validations_total',
      help: 'CSRF token checks of cookie-mode requests, by result (valid, invalid)',
      labelNames: ['result'],
    });
  }
}
