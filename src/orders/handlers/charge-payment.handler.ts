import { Injectable } from '@nestjs/common';

import { type DomainEvent, OnDomainEvent } from '../../platform/events';
import { InventoryReserved, type InventoryReservedPayload } from '../events/order-events';
import { OrdersService } from '../orders.service';

/**
 * Saga step: stock is reserved → charge the customer (OrdersService.collectPayment). It calls the
 * outside world, so it holds no transaction; a redelivery charges once (provider idempotency).
 */
@Injectable()
export class ChargePaymentHandler {
  constructor(private readonly orders: OrdersService) {}

  @OnDomainEvent(InventoryReserved, { transactional: false })
  chargeForReservedOrder(event: DomainEvent<InventoryReservedPayload>): Promise<void> {
    return this.orders.collectPayment(event.payload);
  }
}
