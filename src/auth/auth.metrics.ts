import { Injectable } from '@nestjs/common';
import type { Counter, Histogram } from 'prom-client';

import { MetricsRegistry } from '../platform/metrics/metrics-registry';

const FAST_CHECK_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1];

/** Sign-ins, token rotations and revocation-store fallbacks, by outcome; token and API-key checks. */
@Injectable()
export class AuthMetrics {
  readonly logins: Counter<'result'>;
  readonly refreshes: Counter<'result'>;
  readonly revocationFallbacks: Counter<'outcome'>;
  readonly tokensCreated: Counter<'type'>;
  readonly tokenValidations: Counter<'type' | 'result'>;
  readonly tokenValidationDuration: Histogram<'type'>;
  readonly apiKeysCreated: Counter;
  readonly apiKeyVerificationDuration: Histogram<'result'>;

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
    this.tokensCreated = registry.counter({
      name: 'tokens_created_total',
      help: 'JWTs signed, by type (access, refresh)',
      labelNames: ['type'],
    });
    this.tokenValidations = registry.counter({
      name: 'token_validations_total',
      help: 'JWT signature and claim checks, by type (access, refresh) and result (valid, invalid)',
      labelNames: ['type', 'result'],
    });
    this.tokenValidationDuration = registry.histogram({
      name: 'token_validation_duration_seconds',
      help: 'Time one JWT signature and claim check took, by type',
      labelNames: ['type'],
      buckets: FAST_CHECK_BUCKETS,
    });
    this.apiKeysCreated = registry.counter({
      name: 'api_keys_created_total',
      help: 'API keys created',
    });
    this.apiKeyVerificationDuration = registry.histogram({
      name: 'api_key_verification_duration_seconds',
      help: 'Time an X-API-Key took to verify (cache or database lookup, hash comparison, owner check), by result',
      labelNames: ['result'],
      buckets: FAST_CHECK_BUCKETS,
    });
    this.revocationFallbacks = registry.counter({
      name: 'auth_revocation_fallbacks_total',
      help: 'Access-token revocation checks answered from Postgres because the revocation store failed',
      labelNames: ['outcome'],
    });
  }
}
