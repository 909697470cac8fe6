import { defineEvent } from '../../platform/events';

/** One line of an order as events carry it. */
interface OrderLine {
  readonly productId: string;
  readonly quantity: number;
}

export interface OrderCreatedPayload {
  readonly orderId: string;
  readonly userId: string;
  readonly totalCents: number;
  readonly items: readonly OrderLine[];
}

export interface InventoryReservedPayload {
  readonly orderId: string;
  readonly userId: string;
  readonly totalCents: number;
  readonly paymentMethod: string;
  readonly items: readonly OrderLine[];
}

export interface PaymentSucceededPayload {
  readonly orderId: string;
  readonly paymentId: string;
  readonly amountCents: number;
}

export interface PaymentFailedPayload {
  readonly orderId: string;
  readonly reason: string;
}

export interface OrderSettledPayload {
  readonly orderId: string;
  readonly userId: string;
  readonly status: string;
  readonly totalCents: number;
}

export interface InventoryReleasedPayload {
  readonly orderId: string;
  readonly reason: 'payment_failed' | 'cancelled';
  readonly items: readonly OrderLine[];
}

/** The order saga (docs/api.md, Orders): created + reserved → payment → completed, or failed/cancelled → released. */
export const OrderCreated = defineEvent<OrderCreatedPayload>('order.created');
export const InventoryReserved = defineEvent<InventoryReservedPayload>('inventory.reserved');
export const PaymentSucceeded = defineEvent<PaymentSucceededPayload>('payment.succeeded');
export const PaymentFailed = defineEvent<PaymentFailedPayload>('payment.failed');
export const OrderCompleted = defineEvent<OrderSettledPayload>('order.completed');
export const OrderCancelled = defineEvent<OrderSettledPayload>('order.cancelled');
export const InventoryReleased = defineEvent<InventoryReleasedPayload>('inventory.released');
