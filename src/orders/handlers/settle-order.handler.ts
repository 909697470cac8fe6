import { Injectable, Logger } from '@nestjs/common';

import { type DomainEvent, EventBus, OnDomainEvent } from '../../platform/events';
import {
  OrderCompleted,
  PaymentFailed,
  type PaymentFailedPayload,
  PaymentSucceeded,
  type PaymentSucceededPayload,
} from '../events/order-events';
import { OrderStateMachine } from '../order-state-machine';
import { OrderStatus } from '../order-status';
import { OrdersRepository } from '../orders.repository';
import { OrdersService } from '../orders.service';
import { PaymentService } from '../payment/payment.service';

/**
 * Saga steps on the payment outcome, each in one transaction under the order's row lock (so a
 * concurrent cancellation is either fully before or fully after): success completes a pending
 * order; failure marks it payment_failed and gives its stock back exactly once. An outcome that
 * arrives for an order already cancelled changes nothing (a successful charge is refunded).
 */
@Injectable()
export class SettleOrderHandler {
  private readonly logger = new Logger(SettleOrderHandler.name);

  constructor(
    private readonly orders: OrdersRepository,
    private readonly ordersService: OrdersService,
    private readonly payments: PaymentService,
    private readonly events: EventBus,
  ) {}

  @OnDomainEvent(PaymentSucceeded)
  async completeOrder(event: DomainEvent<PaymentSucceededPayload>): Promise<void> {
    const { orderId, paymentId } = event.payload;
    const order = await this.orders.findForUpdate(orderId);
    if (!order) return;
    if (!OrderStateMachine.canApply(order.status, 'complete')) {
      this.logger.warn(
        { orderId, status: order.status },
        'Payment succeeded for an order that is no longer pending; refunding',
      );
      await this.payments.refundAfterCommit(paymentId, orderId);
      return;
    }
    await this.orders.setStatus(orderId, OrderStatus.Completed, { paymentId });
    await this.events.publish(OrderCompleted, {
      orderId,
      userId: order.userId,
      status: OrderStatus.Completed,
      totalCents: order.totalCents,
    });
    await this.ordersService.recordSettledAfterCommit(order, OrderStatus.Completed);
  }

  @OnDomainEvent(PaymentFailed)
  async failOrder(event: DomainEvent<PaymentFailedPayload>): Promise<void> {
    const { orderId, reason } = event.payload;
    const order = await this.orders.findForUpdate(orderId);
    if (!order || !OrderStateMachine.canApply(order.status, 'fail_payment')) return;
    await this.orders.setStatus(orderId, OrderStatus.PaymentFailed, { failureReason: reason });
    await this.ordersService.releaseStock(orderId, 'payment_failed');
    await this.ordersService.recordSettledAfterCommit(order, OrderStatus.PaymentFailed);
    this.logger.log({ orderId, reason }, 'Payment failed; stock released');
  }
}
