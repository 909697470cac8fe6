import { once } from 'node:events';

import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import Stripe from 'stripe';

import type { AllConfig } from '../../config';
import {
  type ChargeRequest,
  type ChargeResult,
  PaymentGateway,
  type RefundRequest,
  TransientPaymentError,
} from './payment-gateway';

/**
 * Stripe through its official SDK (Charges API). The saga's idempotency key goes to Stripe with
 * every charge and refund, so a repeated step gets the first answer back instead of moving money
 * twice. The SDK's own retries are off: PaymentService's policies decide about retrying, and the
 * SDK cannot be stopped mid-request, so an aborted attempt is abandoned here and its late answer ignored.
 */
@Injectable()
export class StripePaymentGateway extends PaymentGateway {
  private readonly stripe: Stripe;
  private readonly currency: string;

  constructor(config: ConfigService<AllConfig, true>) {
    super();
    const payment = config.getOrThrow('payment', { infer: true });
    if (!payment.stripe) throw new Error('PAYMENT_PROVIDER=stripe needs STRIPE_SECRET_KEY');
    const { secretKey, apiUrl } = payment.stripe;
    this.currency = payment.currency;
    this.stripe = new Stripe(secretKey, {
      maxNetworkRetries: 0,
      timeout: payment.timeoutMs,
      ...(apiUrl && {
        protocol: apiUrl.protocol === 'http:' ? 'http' : 'https',
        host: apiUrl.hostname,
        port: Number(apiUrl.port || (apiUrl.protocol === 'http:' ? 80 : 443)),
      }),
    });
  }

  async charge(request: ChargeRequest, signal: AbortSignal): Promise<ChargeResult> {
    try {
      const charge = await untilAborted(
        this.stripe.charges.create(
          {
            amount: request.amountCents,
            currency: this.currency,
            source: request.paymentMethod,
            metadata: { order_id: request.orderId, amount_cents: String(request.amountCents) },
          },
          { idempotencyKey: request.idempotencyKey },
        ),
        signal,
      );
      return { status: 'succeeded', paymentId: charge.id };
    } catch (error) {
      const declined = declineReason(error);
      if (declined) return { status: 'declined', reason: declined };
      throw asTransient(error);
    }
  }

  async refund(request: RefundRequest, signal: AbortSignal): Promise<void> {
    try {
      await untilAborted(
        this.stripe.refunds.create(
          { charge: request.paymentId, metadata: { order_id: request.orderId } },
          { idempotencyKey: request.idempotencyKey },
        ),
        signal,
      );
    } catch (error) {
      if (error instanceof Stripe.errors.StripeInvalidRequestError && error.code === 'charge_already_refunded') return;
      throw asTransient(error);
    }
  }
}

/**
 * What the customer's payment method earned: a card decline (with the issuer's decline code when
 * there is one) or a request Stripe refuses for its content (an unknown or unusable token). Both
 * are answers about this customer, so they are never retried and never trip the circuit.
 */
function declineReason(error: unknown): string | undefined {
  if (error instanceof Stripe.errors.StripeCardError) return error.decline_code ?? error.code ?? 'card_declined';
  if (error instanceof Stripe.errors.StripeInvalidRequestError && error.type !== 'idempotency_error')
    return error.code ?? 'invalid_payment_method';
  return undefined;
}

/** Everything else is the provider's side (network, 429, 5xx, credentials): worth retrying, and counted by the breaker. */
function asTransient(error: unknown): Error {
  if (error instanceof TransientPaymentError) return error;
  const detail = error instanceof Stripe.errors.StripeError ? `${error.type} ${error.statusCode ?? ''}` : String(error);
  return new TransientPaymentError(`payment provider failed: ${detail.trim()}`, { cause: error });
}

/** The SDK takes no AbortSignal: stop waiting for it when the caller gives up (a late answer is dropped). */
async function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) throw new TransientPaymentError('aborted before the provider answered');
  const done = new AbortController();
  const aborted = once(signal, 'abort', { signal: done.signal }).then(() => {
    throw new TransientPaymentError('aborted before the provider answered');
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    done.abort();
  }
}
