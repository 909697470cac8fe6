import { Injectable, Logger } from '@nestjs/common';

import { type DomainEvent, EventBus, OnDomainEvent } from '../../platform/events';
import {
  InventoryReserved,
  type InventoryReservedPayload,
  PaymentFailed,
  PaymentSucceeded,
} from '../events/order-events';
import { OrderStatus } from '../order-status';
import { OrdersRepository } from '../orders.repository';
import { PaymentService } from '../payment/payment.service';

/**
 * Saga step: stock is reserved → charge the customer → `payment.succeeded` or `payment.failed`.
 * It calls the outside world, so it holds no transaction; a redelivered event is harmless because
 * the order must still be pending and the charge carries the order id as its idempotency key.
 */
@Injectable()
export class ChargePaymentHandler {
  private readonly logger = new Logger(ChargePaymentHandler.name);

  constructor(
    private readonly orders: OrdersRepository,
    private readonly payments: PaymentService,
    private readonly events: EventBus,
  ) {}

  @OnDomainEvent(InventoryReserved, { transactional: false })
  async chargeForReservedOrder(event: DomainEvent<InventoryReservedPayload>): Promise<void> {
    const { orderId, totalCents, paymentMethod } = event.payload;
    const order = await this.orders.findWithItems(orderId);
    if (!order || order.status !== OrderStatus.Pending) {
      this.logger.log({ orderId, status: order?.status }, 'Order no longer pending; not charging');
      return;
    }
    const outcome = await this.payments.charge({
      orderId,
      amountCents: totalCents,
      paymentMethod,
      idempotencyKey: orderId,
    });
    if (outcome.status === 'succeeded') {
      await this.events.publish(PaymentSucceeded, { orderId, paymentId: outcome.paymentId, amountCents: totalCents });
    } else {
      await this.events.publish(PaymentFailed, { orderId, reason: outcome.reason });
    }
  }
}
