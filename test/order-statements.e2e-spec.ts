import { randomUUID } from 'node:crypto';

import { ClsService } from 'nestjs-cls';
import type { AfterQueryEvent, EntitySubscriberInterface } from 'typeorm';

import { Role } from '../src/common/access/roles';
import { eventually } from './support/eventually';
import { placeOrder, settledOrder } from './support/orders';
import { type Actor, actorWithRole, createProduct } from './support/products';
import { createTestApp, type TestApp } from './support/test-app';

/**
 * Every SQL statement TypeORM sends on behalf of one request, saga included: the request's own
 * statements and those of the event handlers it set off carry its request id in the context
 * (handlers run under the id of the request that raised their event). Other traffic (the
 * polling below, the outbox poller, other tests' requests) carries other ids or none.
 */
class StatementsOfRequest implements EntitySubscriberInterface {
  readonly statements: string[] = [];

  constructor(
    private readonly cls: ClsService,
    private readonly requestId: string,
  ) {}

  afterQuery(event: AfterQueryEvent): void {
    if (this.cls.isActive() && this.cls.get<string | undefined>('requestId') === this.requestId) {
      this.statements.push(event.query.replace(/\s+/g, ' ').slice(0, 80));
    }
  }
}

/**
 * What one order costs the database (docs/performance.md, B3): the statements of POST /orders and
 * of the payment saga it starts, until every event it raised has been dispatched. Before: 31
 * statements, 13 in the request. Now: 15, 6 in the request (stock taken and priced in one
 * statement, order and lines in one, a unit's deferred rows in one, nothing read back, outbox
 * rows written leased to their publisher, a pending order settled by one conditional UPDATE, the
 * charge step's outcome written with its delivery record). A change that adds round trips per
 * order fails here.
 */
const BUDGET = { request: 6, total: 15 };

describe('Statements per order', () => {
  let sut: TestApp;
  let staff: Actor;
  let customer: Actor;

  beforeAll(async () => {
    sut = await createTestApp({ env: { OUTBOX_POLL_INTERVAL_MS: '500' } });
    staff = await actorWithRole(sut, Role.Staff);
    customer = await actorWithRole(sut, Role.Customer);
  });

  afterAll(async () => {
    await sut.close();
  });

  it('stays within its budget for a paid two-line order, request and saga', async () => {
    const products = [await createProduct(sut, staff, { stock: 10 }), await createProduct(sut, staff, { stock: 10 })];
    const requestId = `order-${randomUUID()}`;
    const counter = new StatementsOfRequest(sut.app.get(ClsService), requestId);
    sut.dataSource.subscribers.push(counter);

    try {
      const lines = products.map((product) => ({ productId: product.id, quantity: 1 }));
      const order = (await placeOrder(sut, customer, lines, 'tok_ok', { 'X-Request-ID': requestId }).expect(201)).body
        .data as { id: string };
      const request = counter.statements.length;
      await settledOrder(sut, customer, order.id);
      await eventually(
        async () => {
          const [pending] = await sut.dataSource.query<Array<{ count: number }>>(
            `SELECT count(*)::int AS count FROM outbox_events WHERE payload->>'orderId' = $1 AND dispatched_at IS NULL`,
            [order.id],
          );
          return pending.count === 0 ? true : undefined;
        },
        10_000,
        'every event of the order dispatched',
      );
      const total = counter.statements.length;

      process.stdout.write(
        `statements per order: ${request} in the request, ${total} in all\n  ${counter.statements.join('\n  ')}\n`,
      );
      expect(request).toBeLessThanOrEqual(BUDGET.request);
      expect(total).toBeLessThanOrEqual(BUDGET.total);
      // Events nobody subscribes to are on record, dispatched from the start, never leased.
      const unsubscribed = await sut.dataSource.query<Array<{ name: string; claimed: boolean; dispatched: boolean }>>(
        `SELECT name, claimed_until IS NOT NULL AS claimed, dispatched_at IS NOT NULL AS dispatched
           FROM outbox_events WHERE payload->>'orderId' = $1 AND name IN ('order.created', 'order.completed')
          ORDER BY name`,
        [order.id],
      );
      expect(unsubscribed).toEqual([
        { name: 'order.completed', claimed: false, dispatched: true },
        { name: 'order.created', claimed: false, dispatched: true },
      ]);
    } finally {
      sut.dataSource.subscribers.splice(sut.dataSource.subscribers.indexOf(counter), 1);
    }
  });
});
