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

/** A failure worth retrying (network, 5xx, timeout): the charge may succeed if tried again. */
export class TransientPaymentError extends Error {
  override readonly name = 'TransientPaymentError';
}

/**
 * The port to the payment provider. Adapters answer a charge with a result (a decline is a
 * result, not an error) and throw TransientPaymentError for failures that may pass; they must
 * stop when `signal` aborts.
 */
export abstract class PaymentGateway {
  abstract charge(request: ChargeRequest, signal: AbortSignal): Promise<ChargeResult>;

  /** Gives a settled charge back (e.g. the order was cancelled while it was being paid). Idempotent. */
  abstract refund(paymentId: string, signal: AbortSignal): Promise<void>;
}
