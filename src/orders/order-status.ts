/** Where an order is in its life (docs/api.md, Orders). */
export enum OrderStatus {
  Pending = 'pending',
  Completed = 'completed',
  PaymentFailed = 'payment_failed',
  Cancelled = 'cancelled',
}

export const ORDER_STATUSES: readonly OrderStatus[] = Object.values(OrderStatus);
