import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { circuitBreaker, type CircuitBreakerPolicy, CircuitState, ConsecutiveBreaker, handleAll } from 'cockatiel';

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
  private readonly deadlineMs: number;

  constructor(config: ConfigService<AllConfig, true>) {
    const redis = config.getOrThrow('redis', { infer: true });
    this.breaker = circuitBreaker(handleAll, {
      halfOpenAfter: redis.breakerHalfOpenMs,
      breaker: new ConsecutiveBreaker(redis.breakerThreshold),
    });
    this.deadlineMs = redis.requestTimeoutMs;
  }

  get state(): RedisCircuitState {
    return STATE_NAMES[this.breaker.state];
  }

  /** Runs one Redis call under the deadline and the breaker; rejects when it fails, is late or the breaker is open. */
  run<T>(call: () => Promise<T>): Promise<T> {
    return this.breaker.execute(() => withDeadline(call(), this.deadlineMs));
  }
}

class RedisDeadlineError extends Error {
  override readonly name = 'RedisDeadlineError';

  constructor(deadlineMs: number) {
    super(`Redis did not answer within ${deadlineMs} ms`);
  }
}

/**
 * Rejects when `work` has not settled by the deadline; the command stays queued on its connection
 * (a sent command cannot be taken back), only the caller stops waiting.
 *
 * Written here rather than with cockatiel's timeout policy: its timer rejects as soon as it fires,
 * and under load it fires in the same turn of the event loop in which an answer Redis sent long
 * before is still waiting to be read, so this process's own busy loop would look like a slow
 * Redis (and a flood of checks would fall back to per-instance counting). The rejection waits
 * for one pass of I/O (setImmediate runs after the poll phase), so only an answer that has really
 * not arrived counts as late.
 */
function withDeadline<T>(work: Promise<T>, deadlineMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      finish();
    };
    const timer = setTimeout(
      () => setImmediate(() => settle(() => reject(new RedisDeadlineError(deadlineMs)))),
      deadlineMs,
    );
    work.then(
      (value) => settle(() => resolve(value)),
      (error: unknown) => settle(() => reject(error instanceof Error ? error : new Error(String(error)))),
    );
  });
}
