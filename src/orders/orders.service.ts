import { Injectable, Logger } from '@nestjs/common';

import { AuditService } from '../audit/audit.service';
import { AuditAction, AuditResource } from '../audit/audit-actions';
import { AccessControlService } from '../common/access/access-control.service';
import { Permission } from '../common/access/permissions';
import type { Principal } from '../common/access/principal';
import { AppException, ResourceNotFoundException } from '../common/errors';
import type { Page } from '../common/pagination';
import { TransactionRunner } from '../platform/database';
import { EventBus } from '../platform/events';
import { ProductsService } from '../products/products.service';
import type { CreateOrderDto } from './dto/create-order.dto';
import type { OrderQueryDto } from './dto/order-query.dto';
import { OrderResponseDto } from './dto/order-response.dto';
import {
  InventoryReleased,
  InventoryReserved,
  type InventoryReservedPayload,
  OrderCancelled,
  OrderCompleted,
  OrderCreated,
  PaymentFailed,
  PaymentSucceeded,
} from './events/order-events';
import { IdempotencyStore, type StoredResponse } from './idempotency.store';
import type { Order } from './order.entity';
import { mergeLines, priceOrder } from './order-pricing';
import { OrderStateMachine, type OutcomeVerdict, type SettlementOutcome } from './order-state-machine';
import { OrderStatus } from './order-status';
import { OrdersMetrics } from './orders.metrics';
import { OrdersRepository, type SettledOrder } from './orders.repository';
import { PaymentService } from './payment/payment.service';

export interface PlacedOrder {
  readonly order: OrderResponseDto;
  /** True when this is the stored answer to an Idempotency-Key seen before. */
  readonly replayed: boolean;
}

/**
 * Orders: placement (priced from the database, stock reserved in the same transaction, the saga's
 * first events written to the outbox), reads with object-level access, and every later transition
 * (payment, its outcome, cancellation) with its stock and refund effects. Each transition is
 * decided under the order's row lock against the state machine, so whatever order, repetition or
 * delay the saga's events arrive in, an order is settled once. The saga handlers (handlers/) only
 * pass events in here.
 */
@Injectable()
export class OrdersService {
  private readonly logger = new Logger(OrdersService.name);

  constructor(
    private readonly orders: OrdersRepository,
    private readonly products: ProductsService,
    private readonly idempotency: IdempotencyStore,
    private readonly events: EventBus,
    private readonly transactions: TransactionRunner,
    private readonly access: AccessControlService,
    private readonly audit: AuditService,
    private readonly metrics: OrdersMetrics,
    private readonly payments: PaymentService,
  ) {}

  /**
   * Places an order. Within one transaction: claim the Idempotency-Key (if any), take the stock
   * (never below zero, whatever the concurrency: 409 INSUFFICIENT_STOCK otherwise) and price the
   * lines from the same catalogue rows, insert the order with its lines, and record
   * `order.created` and `inventory.reserved`. Nothing is half-written: any failure rolls all of it
   * back. The answer is built from what was written; nothing is read back.
   */
  async place(principal: Principal, input: CreateOrderDto, idempotencyKey?: string): Promise<PlacedOrder> {
    const lines = mergeLines(input.items);
    try {
      const result = await this.transactions.run(async () => {
        const stored = idempotencyKey
          ? await this.idempotency.claim<OrderResponseDto>(principal.userId, idempotencyKey, input)
          : undefined;
        if (stored) return { order: stored.body, replayed: true };
        const order = await this.createReserved(principal.userId, input, lines);
        const response: StoredResponse<OrderResponseDto> = { status: 201, body: OrderResponseDto.fromEntity(order) };
        if (idempotencyKey) await this.idempotency.complete(principal.userId, idempotencyKey, response);
        return { order: response.body, replayed: false };
      });
      this.countPlacement(result);
      return result;
    } catch (error) {
      this.countRefusal(error);
      throw error;
    }
  }

  /** An order its owner (or a holder of `orders:read_all`) may see; anyone else gets 404. */
  async getForPrincipal(id: string, principal: Principal): Promise<OrderResponseDto> {
    const order = await this.orders.findWithItems(id);
    if (!order) throw new ResourceNotFoundException('Order', id);
    this.access.ensureCanAccess(
      principal,
      { type: 'Order', id, userId: order.userId },
      Permission.OrdersReadAll,
      'userId',
      { conceal: true },
    );
    return OrderResponseDto.fromEntity(order);
  }

  /** The caller's orders, or everyone's for `orders:read_all`. */
  async list(query: OrderQueryDto, principal: Principal): Promise<Page<OrderResponseDto>> {
    const ownOnly = !this.access.can(principal, Permission.OrdersReadAll);
    const page = await this.orders.paginate(query, ownOnly ? principal.userId : undefined);
    return { items: page.items.map((order) => OrderResponseDto.fromEntity(order)), meta: page.meta };
  }

  /**
   * Cancels a pending or payment-failed order (owner or `orders:manage`). The decision is taken
   * under the order's row lock, so it cannot interleave with the payment outcome: stock is given
   * back here only if the order was still pending (a failed payment has already given it back).
   */
  async cancel(id: string, principal: Principal): Promise<OrderResponseDto> {
    await this.transactions.run(async () => {
      const order = await this.orders.findForUpdate(id);
      if (!order) throw new ResourceNotFoundException('Order', id);
      this.access.ensureCanAccess(
        principal,
        { type: 'Order', id, userId: order.userId },
        Permission.OrdersManage,
        'userId',
        { conceal: true },
      );
      const status = OrderStateMachine.apply(order.status, 'cancel');
      await this.orders.setStatus(id, status);
      if (order.status === OrderStatus.Pending) await this.releaseStock(id, 'cancelled');
      await this.events.publish(OrderCancelled, {
        orderId: id,
        userId: order.userId,
        status,
        totalCents: order.totalCents,
      });
      if (order.status === OrderStatus.Pending) await this.recordSettledAfterCommit(order, status);
      await this.audit.record({
        action: AuditAction.OrderCancelled,
        resourceType: AuditResource.Order,
        resourceId: id,
        details: { from: order.status },
      });
    });
    this.logger.log({ orderId: id }, 'Order cancelled');
    return this.getForPrincipal(id, principal);
  }

  /**
   * Saga step after the stock is reserved: charge the customer, then record the outcome as
   * `payment.succeeded` or `payment.failed`. It calls the provider, so it holds no transaction; run
   * twice, it charges once (the order id is the provider's idempotency key) and the second outcome
   * is a repeat that settlePaid / settleFailed ignore.
   */
  async collectPayment(reserved: InventoryReservedPayload): Promise<void> {
    const { orderId, totalCents, paymentMethod } = reserved;
    const status = await this.orders.findStatus(orderId);
    if (status !== OrderStatus.Pending) {
      this.logger.log({ orderId, status }, 'Order no longer pending; not charging');
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

  /**
   * `payment.succeeded`: completes a pending order with the provider's charge id. A repeat for the
   * completed order changes nothing (above all, it refunds nothing); a success that arrives after
   * the order was cancelled is refunded; a success for an order whose payment failed, or a second
   * charge id for a completed one, is an alarm, and that money is refunded too (the order keeps its
   * status). The refund happens under the row lock: if the provider fails, the step rolls back and
   * the event transport retries it.
   */
  async settlePaid(orderId: string, paymentId: string): Promise<void> {
    await this.transactions.run(async () => {
      const complete = OrderStateMachine.rule('complete');
      const completed = await this.orders.transition(orderId, complete.from, complete.to, { paymentId });
      if (completed) return this.completed(completed);
      const order = await this.orders.findForUpdate(orderId);
      if (!order) return this.unknownOrder(orderId, 'succeeded');
      const verdict = verdictOnSettled(order, 'succeeded');
      // Only the charge a completed order holds is kept; any other money taken for this order goes back.
      const kept = verdict === 'repeat' && order.paymentId === paymentId;
      // A second, different charge for a completed order should be impossible (same idempotency key): an alarm.
      await this.ignoreOrAlarm(order, 'succeeded', verdict === 'repeat' && !kept ? 'contradiction' : verdict, {
        paymentId,
        storedPaymentId: order.paymentId,
        refunded: String(!kept),
      });
      if (!kept) await this.payments.refund({ orderId, paymentId, idempotencyKey: `refund:${paymentId}` });
    });
  }

  /**
   * `payment.failed`: marks a pending order payment_failed and gives its stock back. A repeat, or a
   * failure after a cancellation, changes nothing; a failure for a completed order is an alarm.
   */
  async settleFailed(orderId: string, reason: string): Promise<void> {
    await this.transactions.run(async () => {
      const fail = OrderStateMachine.rule('fail_payment');
      const failed = await this.orders.transition(orderId, fail.from, fail.to, { failureReason: reason });
      if (failed) {
        await this.releaseStock(orderId, 'payment_failed');
        await this.recordSettledAfterCommit(failed, fail.to);
        this.logger.log({ orderId, reason }, 'Payment failed; stock released');
        return;
      }
      const order = await this.orders.findForUpdate(orderId);
      if (!order) return this.unknownOrder(orderId, 'failed');
      return this.ignoreOrAlarm(order, 'failed', verdictOnSettled(order, 'failed'), { reason });
    });
  }

  /** Gives back the stock of an order (cancellation or failed payment), inside the caller's transaction. */
  async releaseStock(orderId: string, reason: 'payment_failed' | 'cancelled'): Promise<void> {
    const lines = await this.orders.findLines(orderId);
    if (lines.length === 0) throw new ResourceNotFoundException('Order', orderId);
    const items = lines.map((line) => ({ productId: line.productId, quantity: line.quantity }));
    await this.products.releaseStock(items);
    await this.events.publish(InventoryReleased, { orderId, reason, items });
  }

  /**
   * Counts an order leaving `pending` for a final status, with how long its saga took, once the
   * transaction that settled it has committed. (A failed order cancelled later is not counted twice.)
   */
  recordSettledAfterCommit(order: Pick<Order, 'createdAt'>, status: OrderStatus): Promise<void> {
    return this.transactions.afterCommit(() => {
      this.metrics.settled.inc({ status });
      this.metrics.sagaDuration.observe({ status }, (Date.now() - order.createdAt.getTime()) / 1000);
      return Promise.resolve();
    });
  }

  private async completed(order: SettledOrder): Promise<void> {
    const status = OrderStateMachine.rule('complete').to;
    await this.events.publish(OrderCompleted, {
      orderId: order.id,
      userId: order.userId,
      status,
      totalCents: order.totalCents,
    });
    await this.recordSettledAfterCommit(order, status);
  }

  /**
   * A repeated or late outcome changes no status and is counted; a contradiction raises the alarm.
   * Both are recorded once the step commits, so a step retried after a conflict counts once.
   */
  private ignoreOrAlarm(
    order: Order,
    outcome: SettlementOutcome,
    verdict: Exclude<OutcomeVerdict, 'apply'>,
    details: Record<string, string | null>,
  ): Promise<void> {
    const fields = { orderId: order.id, status: order.status, outcome, verdict, ...details };
    return this.transactions.afterCommit(() => {
      if (verdict === 'contradiction') {
        this.metrics.contradictions.inc({ outcome, status: order.status });
        this.logger.error(fields, 'Payment outcome contradicts the settled order; status left unchanged');
      } else {
        this.metrics.outcomesIgnored.inc({ outcome, verdict });
        this.logger.log(fields, 'Payment outcome for a settled order; status unchanged');
      }
      return Promise.resolve();
    });
  }

  private unknownOrder(orderId: string, outcome: SettlementOutcome): Promise<void> {
    return this.transactions.afterCommit(() => {
      this.metrics.outcomesIgnored.inc({ outcome, verdict: 'unknown_order' });
      this.logger.warn({ orderId, outcome }, 'Payment outcome for an unknown order; ignored');
      return Promise.resolve();
    });
  }

  private async createReserved(
    userId: string,
    input: CreateOrderDto,
    lines: ReturnType<typeof mergeLines>,
  ): Promise<Order> {
    const priced = priceOrder(lines, await this.products.reserveStock(lines));
    const order = await this.orders.insert({
      userId,
      paymentMethod: input.paymentMethod,
      notes: input.notes ?? null,
      priced,
    });
    const items = lines.map((line) => ({ productId: line.productId, quantity: line.quantity }));
    await this.events.publish(OrderCreated, { orderId: order.id, userId, totalCents: priced.totalCents, items });
    await this.events.publish(InventoryReserved, {
      orderId: order.id,
      userId,
      totalCents: priced.totalCents,
      paymentMethod: input.paymentMethod,
      items,
    });
    await this.audit.record({
      action: AuditAction.OrderPlaced,
      resourceType: AuditResource.Order,
      resourceId: order.id,
      details: { totalCents: priced.totalCents, lines: items.length },
    });
    return order;
  }

  private countPlacement(result: PlacedOrder): void {
    if (result.replayed) {
      this.metrics.idempotentReplays.inc();
      return;
    }
    this.metrics.placed.inc();
    this.logger.log({ orderId: result.order.id, totalCents: result.order.totalCents }, 'Order placed');
  }

  private countRefusal(error: unknown): void {
    if (!(error instanceof AppException)) return;
    const reason = {
      INSUFFICIENT_STOCK: 'insufficient_stock',
      RESOURCE_NOT_FOUND: 'unknown_product',
      BUSINESS_RULE_VIOLATION: 'total_too_large',
    }[error.code as string];
    if (reason) this.metrics.refused.inc({ reason });
  }
}

/**
 * What a payment outcome means for an order its transition did not apply to. Such an order is no
 * longer pending (nothing leads back to pending), so the outcome cannot apply any more.
 */
function verdictOnSettled(order: Order, outcome: SettlementOutcome): Exclude<OutcomeVerdict, 'apply'> {
  const verdict = OrderStateMachine.judge(order.status, outcome);
  if (verdict === 'apply') throw new Error(`order ${order.id} is pending but its transition did not apply`);
  return verdict;
}
