import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  circuitBreaker,
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  handleAll,
  type IPolicy,
  timeout,
  TimeoutStrategy,
  wrap,
} from 'cockatiel';

import type { AllConfig } from '../../config';

export type RedisCircuitState = 'closed' | 'open' | 'half_open';

const STATE_NAMES: Readonly<Record<CircuitState, RedisCircuitState>> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half_open',
  [CircuitState.Isolated]: 'open',
};

/**
 * The deadline and breaker of every Redis call a request waits for (cache reads, rate-limit
 * checks, revocation checks). A Redis that is connected but not answering would otherwise hold
 * each request for the client's command timeout; here a call fails after REDIS_REQUEST_TIMEOUT_MS,
 * and after REDIS_BREAKER_THRESHOLD failures in a row every call fails at once until a trial call
 * (every REDIS_BREAKER_HALF_OPEN_MS) succeeds again. Callers catch the failure and take their own
 * fallback. One breaker for all of them: they talk to the same server.
 */
@Injectable()
export class RedisCircuit {
  private readonly breaker: CircuitBreakerPolicy;
  private readonly policy: IPolicy;

  constructor(config: ConfigService<AllConfig, true>) {
    const redis = config.getOrThrow('redis', { infer: true });
    this.breaker = circuitBreaker(handleAll, {
      halfOpenAfter: redis.breakerHalfOpenMs,
      breaker: new ConsecutiveBreaker(redis.breakerThreshold),
    });
    // Aggressive: the caller gets its answer at the deadline even though the command it sent
    // stays queued on the connection (ioredis and node-redis cannot take back a sent command).
    this.policy = wrap(this.breaker, timeout(redis.requestTimeoutMs, TimeoutStrategy.Aggressive));
  }

  get state(): RedisCircuitState {
    return STATE_NAMES[this.breaker.state];
  }

  /** Runs one Redis call under the deadline and the breaker; rejects when it fails, is late or the breaker is open. */
  run<T>(call: () => Promise<T>): Promise<T> {
    return this.policy.execute(call);
  }
}
