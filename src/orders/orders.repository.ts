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

/** One stored line of a new order, with the order's own columns. */
type StoredLine = Pick<Order, 'id' | 'status' | 'createdAt' | 'updatedAt'> &
  Pick<OrderItem, 'productId' | 'sku' | 'name' | 'unitPriceCents' | 'quantity' | 'lineTotalCents'>;

/** What a transition reports about the order it moved. */
export type SettledOrder = Pick<Order, 'id' | 'userId' | 'totalCents' | 'createdAt'>;

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

  /**
   * The order and all its lines in one statement, answered with what was stored (the order's
   * columns on each line, lines by sku as every read returns them): nothing is read back.
   */
  async insert(order: NewOrder): Promise<Order> {
    const rows = await this.txHost.tx.query<StoredLine[]>(
      `WITH placed AS (
         INSERT INTO "orders" ("user_id", "total_cents", "payment_method", "notes") VALUES ($1, $2, $3, $4)
         RETURNING "id", "status", "created_at", "updated_at"),
       line AS (
         INSERT INTO "order_items"
                ("order_id", "product_id", "sku", "name", "unit_price_cents", "quantity", "line_total_cents")
         SELECT placed."id", line.*
           FROM placed, jsonb_to_recordset($5::jsonb) AS line("productId" uuid, "sku" varchar, "name" varchar,
                "unitPriceCents" int, "quantity" int, "lineTotalCents" int)
         RETURNING "product_id", "sku", "name", "unit_price_cents", "quantity", "line_total_cents")
       SELECT placed."id", placed."status", placed."created_at" AS "createdAt", placed."updated_at" AS "updatedAt",
              line."product_id" AS "productId", line."sku", line."name", line."unit_price_cents" AS "unitPriceCents",
              line."quantity", line."line_total_cents" AS "lineTotalCents"
         FROM placed, line ORDER BY line."sku"`,
      [order.userId, order.priced.totalCents, order.paymentMethod, order.notes, JSON.stringify(order.priced.lines)],
    );
    const [first] = rows;
    return Object.assign(new Order(), {
      id: first.id,
      userId: order.userId,
      status: first.status,
      totalCents: order.priced.totalCents,
      paymentMethod: order.paymentMethod,
      notes: order.notes,
      paymentId: null,
      failureReason: null,
      items: rows.map(({ productId, sku, name, unitPriceCents, quantity, lineTotalCents }) =>
        Object.assign(new OrderItem(), {
          orderId: first.id,
          productId,
          sku,
          name,
          unitPriceCents,
          quantity,
          lineTotalCents,
        }),
      ),
      createdAt: new Date(first.createdAt),
      updatedAt: new Date(first.updatedAt),
      settledAt: null,
    });
  }

  findWithItems(id: string): Promise<Order | null> {
    return this.orders.findOne({ where: { id }, relations: { items: true }, order: { items: { sku: 'ASC' } } });
  }

  /** The lines of an order (product and quantity), for giving its stock back. */
  findLines(orderId: string): Promise<Array<Pick<OrderItem, 'productId' | 'quantity'>>> {
    return this.txHost.tx
      .getRepository(OrderItem)
      .find({ select: { productId: true, quantity: true }, where: { orderId }, order: { sku: 'ASC' } });
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

  /**
   * Moves the order to `status` only if it is in one of `from`, in one conditional UPDATE that
   * takes the row lock (waiting for a concurrent transition, then re-checking its outcome), and
   * returns the order; null when it was in no such status (or does not exist):
   * the caller then decides under findForUpdate.
   */
  async transition(
    id: string,
    from: readonly OrderStatus[],
    status: OrderStatus,
    changes: Partial<Pick<Order, 'paymentId' | 'failureReason'>> = {},
  ): Promise<SettledOrder | null> {
    const result = await this.orders
      .createQueryBuilder()
      .update(Order)
      .set({ status, ...changes, settledAt: new Date() })
      .where('id = :id AND status IN (:...from)', { id, from })
      .returning('"id", "user_id" AS "userId", "total_cents" AS "totalCents", "created_at" AS "createdAt"')
      .execute();
    const [row] = result.raw as SettledOrder[];
    return row ? { ...row, createdAt: new Date(row.createdAt) } : null;
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
