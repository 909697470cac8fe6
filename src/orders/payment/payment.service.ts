import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HealthIndicatorService } from '@nestjs/terminus';
import {
  BrokenCircuitError,
  circuitBreaker,
  CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleWhen,
  type IPolicy,
  retry,
  TaskCancelledError,
  timeout,
  TimeoutStrategy,
  wrap,
} from 'cockatiel';

import type { AllConfig, PaymentConfig } from '../../config';
import { ReadinessContributors } from '../../platform/health';
import { CIRCUIT_STATE_VALUE, PaymentMetrics } from './payment.metrics';
import {
  type ChargeRequest,
  type ChargeResult,
  PaymentGateway,
  type RefundRequest,
  TransientPaymentError,
} from './payment-gateway';

/** A charge that could not be settled: the provider did not answer, or the circuit is open. */
interface PaymentUnavailable {
  readonly status: 'unavailable';
  readonly reason: 'timeout' | 'circuit_open' | 'provider_error';
}

export type PaymentOutcome = ChargeResult | PaymentUnavailable;

const CIRCUIT = 'payment';

/**
 * Charges through the payment port behind cockatiel policies: a timeout per attempt, retries
 * with exponential backoff and jitter for transient failures only (a decline is an answer, not a
 * failure), and a circuit breaker that makes charges fail fast while the provider is down. The
 * breaker counts provider-side failures only: declines (and payment methods the provider refuses)
 * are successful calls to it, so no customer's card can open the circuit for everyone else. The
 * circuit's state is exported as a metric and reported by readiness.
 */
@Injectable()
export class PaymentService implements OnModuleInit {
  private readonly logger = new Logger(PaymentService.name);
  private readonly breaker: CircuitBreakerPolicy;
  private readonly policy: IPolicy;
  private readonly refundTimeoutMs: number;

  constructor(
    private readonly gateway: PaymentGateway,
    private readonly metrics: PaymentMetrics,
    private readonly readiness: ReadinessContributors,
    private readonly indicators: HealthIndicatorService,
    config: ConfigService<AllConfig, true>,
  ) {
    const payment = config.getOrThrow('payment', { infer: true });
    this.refundTimeoutMs = payment.timeoutMs;
    this.breaker = this.buildBreaker(payment);
    this.policy = wrap(this.buildRetry(payment), this.breaker, timeout(payment.timeoutMs, TimeoutStrategy.Aggressive));
  }

  onModuleInit(): void {
    this.metrics.circuitState.set({ circuit: CIRCUIT }, CIRCUIT_STATE_VALUE.closed);
    this.readiness.register(CIRCUIT, () => {
      const indicator = this.indicators.check(CIRCUIT);
      const state = CircuitState[this.breaker.state];
      return Promise.resolve(
        this.breaker.state === CircuitState.Closed
          ? indicator.up({ circuit: state })
          : indicator.degraded({ circuit: state }),
      );
    });
  }

  /** Settles a charge: succeeded or declined by the provider, or unavailable (never throws for provider trouble). */
  async charge(request: ChargeRequest): Promise<PaymentOutcome> {
    const stop = this.metrics.duration.startTimer();
    const outcome = await this.attempt(request);
    const label = outcome.status === 'unavailable' ? outcome.reason : outcome.status;
    this.metrics.outcomes.inc({ outcome: label });
    stop({ outcome: label });
    return outcome;
  }

  /**
   * Gives a charge back at the provider, idempotently (a repeated refund of the same charge is a
   * no-op there). Throws TransientPaymentError when the provider fails, so the saga step that asked
   * for it rolls back and is retried by the event transport (and dead-lettered at the end).
   */
  async refund(request: RefundRequest): Promise<void> {
    try {
      await this.gateway.refund(request, AbortSignal.timeout(this.refundTimeoutMs));
      this.metrics.outcomes.inc({ outcome: 'refunded' });
    } catch (error) {
      this.metrics.outcomes.inc({ outcome: 'refund_failed' });
      this.logger.error({ orderId: request.orderId, paymentId: request.paymentId, err: error }, 'Refund failed');
      throw error instanceof TransientPaymentError
        ? error
        : new TransientPaymentError('refund failed', { cause: error });
    }
  }

  get circuitState(): keyof typeof CircuitState {
    return CircuitState[this.breaker.state] as keyof typeof CircuitState;
  }

  private async attempt(request: ChargeRequest): Promise<PaymentOutcome> {
    try {
      return await this.policy.execute(({ signal }) => this.gateway.charge(request, signal));
    } catch (error) {
      const reason = unavailableReason(error);
      if (!reason) throw error;
      this.logger.warn({ orderId: request.orderId, reason }, 'Payment provider unavailable');
      return { status: 'unavailable', reason };
    }
  }

  private buildRetry(payment: PaymentConfig): IPolicy {
    const transient = handleWhen(
      (error) => error instanceof TransientPaymentError || error instanceof TaskCancelledError,
    );
    return retry(transient, {
      maxAttempts: payment.retries,
      backoff: new ExponentialBackoff({ initialDelay: payment.retryBaseMs, maxDelay: payment.retryBaseMs * 16 }),
    });
  }

  private buildBreaker(payment: PaymentConfig): CircuitBreakerPolicy {
    const failures = handleWhen(
      (error) => error instanceof TransientPaymentError || error instanceof TaskCancelledError,
    );
    const breaker = circuitBreaker(failures, {
      halfOpenAfter: payment.breakerHalfOpenMs,
      breaker: new ConsecutiveBreaker(payment.breakerThreshold),
    });
    breaker.onStateChange((state) => {
      const name = CircuitState[state];
      this.metrics.circuitState.set({ circuit: CIRCUIT }, stateValue(state));
      this.metrics.circuitTransitions.inc({ circuit: CIRCUIT, state: name });
      this.logger.warn({ circuit: CIRCUIT, state: name }, 'Circuit breaker changed state');
    });
    return breaker;
  }
}

function unavailableReason(error: unknown): PaymentUnavailable['reason'] | undefined {
  if (error instanceof BrokenCircuitError) return 'circuit_open';
  if (error instanceof TaskCancelledError) return 'timeout';
  if (error instanceof TransientPaymentError) return 'provider_error';
  return undefined;
}

function stateValue(state: CircuitState): number {
  if (state === CircuitState.HalfOpen) return CIRCUIT_STATE_VALUE.halfOpen;
  if (state === CircuitState.Open) return CIRCUIT_STATE_VALUE.open;
  if (state === CircuitState.Isolated) return CIRCUIT_STATE_VALUE.isolated;
  return CIRCUIT_STATE_VALUE.closed;
}
