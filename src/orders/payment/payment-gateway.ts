/** What the order asks the payment provider for. `idempotencyKey` makes a repeated charge safe. */
export interface ChargeRequest {
  readonly orderId: string;
  readonly amountCents: number;
  readonly paymentMethod: string;
  readonly idempotencyKey: string;
}

export type ChargeResult =
  | { readonly status: 'succeeded'; readonly paymentId: string }
  | { readonly status: 'declined'; readonly reason: string };

/** Gives a settled charge back; `idempotencyKey` makes a repeated refund safe. */
export interface RefundRequest {
  readonly orderId: string;
  readonly paymentId: string;
  readonly idempotencyKey: string;
}

/**
 * A failure on the provider's side that may pass (network, 429, 5xx, timeout): the charge may
 * succeed if tried again. Only these count against the circuit breaker; a decline never does.
 */
export class TransientPaymentError extends Error {
  override readonly name = 'TransientPaymentError';
}

/**
 * The port to the payment provider. Adapters answer a charge with a result (a decline, or a
 * payment method the provider refuses, is a result, not an error) and throw TransientPaymentError
 * for failures that may pass; they must stop waiting when `signal` aborts.
 */
export abstract class PaymentGateway {
  abstract charge(request: ChargeRequest, signal: AbortSignal): Promise<ChargeResult>;

  /** Gives a settled charge back (e.g. the order was cancelled while it was being paid). Idempotent by key. */
  abstract refund(request: RefundRequest, signal: AbortSignal): Promise<void>;
}
