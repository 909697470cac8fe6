import { createHash } from 'node:crypto';

import { Injectable } from '@nestjs/common';

import {
  type ChargeRequest,
  type ChargeResult,
  PaymentGateway,
  type RefundRequest,
  TransientPaymentError,
} from './payment-gateway';

/** Test payment methods (docs/api.md, Orders): each drives one path of the saga. */
type StandInPaymentMethod = 'tok_ok' | 'tok_declined' | 'tok_flaky' | 'tok_down';

const FLAKY_FAILURES = 2;
const SIMULATED_LATENCY_MS = 5;

/**
 * The built-in stand-in for a real provider, for development and tests only (production refuses
 * it: it takes no money). `tok_ok` succeeds, `tok_declined` is declined, `tok_flaky` fails
 * transiently twice per charge then succeeds, `tok_down` never answers (only the caller's timeout
 * ends it, and it counts against the breaker like a provider outage). Charges are idempotent by
 * key, like a real provider's.
 */
@Injectable()
export class StandInPaymentGateway extends PaymentGateway {
  private readonly flakyFailures = new Map<string, number>();
  private readonly settled = new Map<string, ChargeResult>();
  readonly refunded = new Set<string>();

  async charge(request: ChargeRequest, signal: AbortSignal): Promise<ChargeResult> {
    const earlier = this.settled.get(request.idempotencyKey);
    if (earlier) return earlier;
    await delay(SIMULATED_LATENCY_MS, signal);
    const result = await this.decide(request, signal);
    this.settled.set(request.idempotencyKey, result);
    return result;
  }

  async refund(request: RefundRequest, signal: AbortSignal): Promise<void> {
    await delay(SIMULATED_LATENCY_MS, signal);
    this.refunded.add(request.paymentId);
  }

  private async decide(request: ChargeRequest, signal: AbortSignal): Promise<ChargeResult> {
    switch (request.paymentMethod as StandInPaymentMethod) {
      case 'tok_ok':
        return succeeded(request);
      case 'tok_declined':
        return { status: 'declined', reason: 'card_declined' };
      case 'tok_flaky':
        return this.flaky(request);
      case 'tok_down':
        return hangUntilAborted(signal);
      default:
        return { status: 'declined', reason: 'unsupported_payment_method' };
    }
  }

  private flaky(request: ChargeRequest): ChargeResult {
    const failures = this.flakyFailures.get(request.idempotencyKey) ?? 0;
    if (failures < FLAKY_FAILURES) {
      this.flakyFailures.set(request.idempotencyKey, failures + 1);
      throw new TransientPaymentError(`provider hiccup ${failures + 1}`);
    }
    return succeeded(request);
  }
}

function succeeded(request: ChargeRequest): ChargeResult {
  const paymentId = `pay_${createHash('sha256').update(request.idempotencyKey).digest('hex').slice(0, 24)}`;
  return { status: 'succeeded', paymentId };
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(new TransientPaymentError('aborted'));
      },
      { once: true },
    );
  });
}

function hangUntilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(new TransientPaymentError('provider did not answer'));
    signal.addEventListener('abort', () => reject(new TransientPaymentError('provider did not answer')), {
      once: true,
    });
  });
}
