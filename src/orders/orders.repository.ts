import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { Repository } from 'typeorm';

import { type Page, Paginator, type SortableFields } from '../common/pagination';
import type { OrderQueryDto } from './dto/order-query.dto';
import { Order } from './order.entity';
import { OrderItem } from './order-item.entity';
import type { PricedOrder } from './order-pricing';
import type { OrderStatus } from './order-status';

const ORDER_SORTS: SortableFields = {
  fields: { createdAt: 'order.createdAt', totalCents: 'order.totalCents' },
  defaultSort: 'createdAt:desc',
  tiebreaker: 'order.id',
};

export interface NewOrder {
  readonly userId: string;
  readonly paymentMethod: string;
  readonly notes: string | null;
  readonly priced: PricedOrder;
}

/** Orders and their lines. Runs inside the caller's transaction (TransactionHost). */
@Injectable()
export class OrdersRepository {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly paginator: Paginator,
  ) {}

  private get orders(): Repository<Order> {
    return this.txHost.tx.getRepository(Order);
  }

  async insert(order: NewOrder): Promise<Order> {
    const items = order.priced.lines.map((line) => this.txHost.tx.getRepository(OrderItem).create(line));
    const saved = await this.orders.save(
      this.orders.create({
        userId: order.userId,
        paymentMethod: order.paymentMethod,
        notes: order.notes,
        totalCents: order.priced.totalCents,
        items,
      }),
    );
    return saved;
  }

  findWithItems(id: string): Promise<Order | null> {
    return this.orders.findOne({ where: { id }, relations: { items: true }, order: { items: { sku: 'ASC' } } });
  }

  /** Just the status (no lock, no lines): for a step that only needs to know whether to go on. */
  async findStatus(id: string): Promise<OrderStatus | undefined> {
    const order = await this.orders.findOne({ where: { id }, select: { id: true, status: true } });
    return order?.status;
  }

  /** The order with its row locked until the transaction ends: state changes are decided under this lock. */
  findForUpdate(id: string): Promise<Order | null> {
    return this.orders
      .createQueryBuilder('order')
      .where('order.id = :id', { id })
      .setLock('pessimistic_write')
      .getOne();
  }

  async setStatus(
    id: string,
    status: OrderStatus,
    changes: Partial<Pick<Order, 'paymentId' | 'failureReason'>> = {},
  ): Promise<void> {
    await this.orders.update({ id }, { status, ...changes, settledAt: new Date() });
  }

  /** A page of orders (all, or one user's), with their lines. */
  async paginate(query: OrderQueryDto, userId: string | undefined): Promise<Page<Order>> {
    const builder = this.orders.createQueryBuilder('order');
    if (userId) builder.andWhere('order.userId = :userId', { userId });
    if (query.status) builder.andWhere('order.status = :status', { status: query.status });
    const page = await this.paginator.paginate(builder, query, ORDER_SORTS);
    return { items: await this.withItems(page.items), meta: page.meta };
  }

  /** Loads the lines of a page of orders in one query (no N+1). */
  private async withItems(orders: Order[]): Promise<Order[]> {
    if (orders.length === 0) return orders;
    const items = await this.txHost.tx
      .getRepository(OrderItem)
      .createQueryBuilder('item')
      .where('item.orderId IN (:...ids)', { ids: orders.map((order) => order.id) })
      .orderBy('item.sku', 'ASC')
      .getMany();
    return orders.map((order) => Object.assign(order, { items: items.filter((item) => item.orderId === order.id) }));
  }
}
