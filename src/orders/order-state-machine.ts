import { InvalidStateException } from '../common/errors';
import { OrderStatus } from './order-status';

/** What can happen to an order. */
export type OrderTransition = 'complete' | 'fail_payment' | 'cancel';

const TRANSITIONS: Readonly<
  Record<OrderTransition, { readonly from: readonly OrderStatus[]; readonly to: OrderStatus }>
> = {
  complete: { from: [OrderStatus.Pending], to: OrderStatus.Completed },
  fail_payment: { from: [OrderStatus.Pending], to: OrderStatus.PaymentFailed },
  cancel: { from: [OrderStatus.Pending, OrderStatus.PaymentFailed], to: OrderStatus.Cancelled },
};

/**
 * The order state machine, in one table: pending → completed | payment_failed | cancelled, and
 * payment_failed → cancelled. Everything else is 409 INVALID_STATE.
 */
export const OrderStateMachine = {
  canApply(current: OrderStatus, transition: OrderTransition): boolean {
    return TRANSITIONS[transition].from.includes(current);
  },

  /** The status after `transition`; throws InvalidStateException when it is not allowed from `current`. */
  apply(current: OrderStatus, transition: OrderTransition): OrderStatus {
    if (!this.canApply(current, transition))
      throw new InvalidStateException('Order', current, transition.replace('_', ' '));
    return TRANSITIONS[transition].to;
  },

  isFinal(status: OrderStatus): boolean {
    return status !== OrderStatus.Pending;
  },
} as const;
