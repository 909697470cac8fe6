import { Injectable } from '@nestjs/common';

import { type DomainEvent, OnDomainEvent } from '../../platform/events';
import {
  PaymentFailed,
  type PaymentFailedPayload,
  PaymentSucceeded,
  type PaymentSucceededPayload,
} from '../events/order-events';
import { OrdersService } from '../orders.service';

/**
 * Saga steps on the payment outcome. Each runs in the delivery's transaction; OrdersService
 * decides under the order's row lock what the outcome means (apply, ignore, refund, alarm).
 */
@Injectable()
export class SettleOrderHandler {
  constructor(private readonly orders: OrdersService) {}

  @OnDomainEvent(PaymentSucceeded)
  completeOrder(event: DomainEvent<PaymentSucceededPayload>): Promise<void> {
    return this.orders.settlePaid(event.payload.orderId, event.payload.paymentId);
  }

  @OnDomainEvent(PaymentFailed)
  failOrder(event: DomainEvent<PaymentFailedPayload>): Promise<void> {
    return this.orders.settleFailed(event.payload.orderId, event.payload.reason);
  }
}
