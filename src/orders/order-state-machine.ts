import { InvalidStateException } from '../common/errors';
import { OrderStatus } from './order-status';

/** What can happen to an order. */
export type OrderTransition = 'complete' | 'fail_payment' | 'cancel';

/** What the payment provider said about an order's charge (the saga's `payment.*` events). */
export type SettlementOutcome = 'succeeded' | 'failed';

/**
 * How a payment outcome relates to the order it arrives for:
 * - `apply`: the order is pending and takes the outcome;
 * - `repeat`: the order already took this very outcome (a redelivery, a charge step run twice);
 * - `late`: the order was cancelled before the outcome arrived (a success must then be refunded);
 * - `contradiction`: the order took the opposite outcome; nothing may change silently.
 */
export type OutcomeVerdict = 'apply' | 'repeat' | 'late' | 'contradiction';

const TRANSITIONS: Readonly<
  Record<OrderTransition, { readonly from: readonly OrderStatus[]; readonly to: OrderStatus }>
> = {
  complete: { from: [OrderStatus.Pending], to: OrderStatus.Completed },
  fail_payment: { from: [OrderStatus.Pending], to: OrderStatus.PaymentFailed },
  cancel: { from: [OrderStatus.Pending, OrderStatus.PaymentFailed], to: OrderStatus.Cancelled },
};

const OUTCOMES: Readonly<Record<SettlementOutcome, Readonly<Record<OrderStatus, OutcomeVerdict>>>> = {
  succeeded: {
    [OrderStatus.Pending]: 'apply',
    [OrderStatus.Completed]: 'repeat',
    [OrderStatus.Cancelled]: 'late',
    [OrderStatus.PaymentFailed]: 'contradiction',
  },
  failed: {
    [OrderStatus.Pending]: 'apply',
    [OrderStatus.PaymentFailed]: 'repeat',
    [OrderStatus.Cancelled]: 'late',
    [OrderStatus.Completed]: 'contradiction',
  },
};

/**
 * The order state machine, in one table: pending → completed | payment_failed | cancelled, and
 * payment_failed → cancelled. Everything else is 409 INVALID_STATE.
 */
export const OrderStateMachine = {
  canApply(current: OrderStatus, transition: OrderTransition): boolean {
    return TRANSITIONS[transition].from.includes(current);
  },

  /** The statuses `transition` starts from and the one it leads to (for a conditional UPDATE that applies it). */
  rule(transition: OrderTransition): { readonly from: readonly OrderStatus[]; readonly to: OrderStatus } {
    return TRANSITIONS[transition];
  },

  /** The status after `transition`; throws InvalidStateException when it is not allowed from `current`. */
  apply(current: OrderStatus, transition: OrderTransition): OrderStatus {
    if (!this.canApply(current, transition))
      throw new InvalidStateException('Order', current, transition.replace('_', ' '));
    return TRANSITIONS[transition].to;
  },

  /** What a payment outcome means for an order in `current` (see OutcomeVerdict). */
  judge(current: OrderStatus, outcome: SettlementOutcome): OutcomeVerdict {
    return OUTCOMES[outcome][current];
  },

  isFinal(status: OrderStatus): boolean {
    return status !== OrderStatus.Pending;
  },
} as const;
