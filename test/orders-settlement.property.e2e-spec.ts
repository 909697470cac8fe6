import { randomUUID } from 'node:crypto';

import fc from 'fast-check';

import { Role } from '../src/common/access/roles';
import { RequestContextService } from '../src/common/context/request-context.service';
import type { InventoryReservedPayload } from '../src/orders/events/order-events';
import { OrdersService } from '../src/orders/orders.service';
import { PaymentService } from '../src/orders/payment/payment.service';
import { EventHandlerRegistry } from '../src/platform/events/event-handler.registry';
import { eventually } from './support/eventually';
import { placeOrder, stockOf } from './support/orders';
import { type Actor, actorWithRole, createProduct } from './support/products';
import { isKept, startStripeEmulator, type StripeEmulator } from './support/stripe-emulator';
import { createTestApp, type TestApp } from './support/test-app';

const RUNS = 200;
const STOCK = 20;
const PRICE_CENTS = 1000;

/** One order of a schedule: a card that Stripe accepts or declines, and how many units it takes. */
const orderArb = fc.record({
  card: fc.constantFrom('tok_visa', 'tok_chargeDeclined'),
  quantity: fc.integer({ min: 1, max: 3 }),
});

/**
 * What happens to the orders besides the saga's own run: the charge step again (a redelivery),
 * the outcome of the charge delivered again directly (a duplicate or late `payment.*`), or the
 * customer cancelling. Consecutive steps marked `together` run concurrently.
 */
const stepArb = fc.record({
  order: fc.nat({ max: 1 }),
  kind: fc.constantFrom('charge', 'deliver', 'cancel'),
  together: fc.boolean(),
});
const scheduleArb = fc.record({
  orders: fc.array(orderArb, { minLength: 1, maxLength: 2 }),
  steps: fc.array(stepArb, { maxLength: 6 }),
});

interface Placed {
  readonly payload: InventoryReservedPayload;
  readonly card: string;
  readonly quantity: number;
}

/**
 * Exactly-once settlement, as a property: whatever duplicate, reordered or late payment events and
 * cancellations hit an order, once the saga is quiet the stock given up equals the units of live
 * orders, a completed order holds exactly one unrefunded charge at the provider (the one it
 * stored), and a cancelled or failed order holds none. Runs against the real database and an
 * independent Stripe emulator, driving the service methods the saga's handlers call, while the
 * saga itself runs too.
 */
describe('Order settlement under random schedules (property)', () => {
  let emulator: StripeEmulator;
  let sut: TestApp;
  let staff: Actor;
  let customer: Actor;
  let orders: OrdersService;
  let payments: PaymentService;
  const schedules = new Map<string, unknown>();

  beforeAll(async () => {
    emulator = await startStripeEmulator();
    sut = await createTestApp({
      env: {
        ...emulator.env,
        PAYMENT_TIMEOUT_MS: '5000',
        PAYMENT_BREAKER_THRESHOLD: '1000',
        EVENT_RETRY_BASE_MS: '20',
      },
    });
    staff = await actorWithRole(sut, Role.Staff);
    customer = await actorWithRole(sut, Role.Customer);
    orders = sut.app.get(OrdersService);
    payments = sut.app.get(PaymentService);
  });

  afterAll(async () => {
    await sut?.close();
    await emulator?.close();
  });

  const inContext = <T>(work: () => Promise<T>) =>
    sut.app.get(RequestContextService).run({ requestId: randomUUID(), principal: undefined }, work);

  async function place(productId: string, card: string, quantity: number): Promise<Placed> {
    const response = await placeOrder(sut, customer, [{ productId, quantity }], card).expect(201);
    const order = response.body.data as { id: string; userId: string; totalCents: number };
    const payload = {
      orderId: order.id,
      userId: order.userId,
      totalCents: order.totalCents,
      paymentMethod: card,
      items: [{ productId, quantity }],
    };
    return { payload, card, quantity };
  }

  /** The charge's outcome delivered straight to the settling step, as a redelivered `payment.*` would be. */
  async function deliverOutcome({ payload }: Placed): Promise<void> {
    const outcome = await payments.charge({
      orderId: payload.orderId,
      amountCents: payload.totalCents,
      paymentMethod: payload.paymentMethod,
      idempotencyKey: payload.orderId,
    });
    if (outcome.status === 'succeeded') await orders.settlePaid(payload.orderId, outcome.paymentId);
    else await orders.settleFailed(payload.orderId, outcome.reason);
  }

  async function cancel({ payload }: Placed): Promise<void> {
    const response = await sut
      .http()
      .post(`/api/v1/orders/${payload.orderId}/cancel`)
      .auth(customer.token, { type: 'bearer' });
    expect([200, 409]).toContain(response.status);
  }

  function run(step: { kind: string }, order: Placed): Promise<void> {
    if (step.kind === 'charge') return inContext(() => orders.collectPayment(order.payload));
    if (step.kind === 'deliver') return inContext(() => deliverOutcome(order));
    return cancel(order);
  }

  /** Quiet: every event of these orders handled by every handler it has, and none left pending. */
  async function quiesce(orderIds: string[]): Promise<void> {
    const registry = sut.app.get(EventHandlerRegistry);
    await eventually(
      async () => {
        const rows = await sut.dataSource.query<Array<{ name: string; handlers: string[] | null }>>(
          `SELECT o.name, array_agg(p.handler) FILTER (WHERE p.handler IS NOT NULL) AS handlers
             FROM outbox_events o LEFT JOIN processed_events p ON p.event_id = o.id
            WHERE o.payload->>'orderId' = ANY($1) GROUP BY o.id, o.name`,
          [orderIds],
        );
        const handled = rows.every((row) =>
          registry.handlersFor(row.name).every((handler) => (row.handlers ?? []).includes(handler.id)),
        );
        const [{ pending }] = await sut.dataSource.query<Array<{ pending: number }>>(
          `SELECT count(*)::int AS pending FROM orders WHERE id = ANY($1) AND status = 'pending'`,
          [orderIds],
        );
        return handled && pending === 0;
      },
      20_000,
      'saga quiet',
    );
  }

  it(`keeps stock and money consistent over ${RUNS} random schedules`, async () => {
    await fc.assert(
      fc.asyncProperty(scheduleArb, async (schedule) => {
        const product = await createProduct(sut, staff, { stock: STOCK, priceCents: PRICE_CENTS });
        const placed = await Promise.all(schedule.orders.map((o) => place(product.id, o.card, o.quantity)));
        for (const order of placed) schedules.set(order.payload.orderId, schedule);

        let batch: Array<Promise<void>> = [];
        for (const step of schedule.steps) {
          const order = placed[step.order % placed.length];
          batch.push(run(step, order));
          if (!step.together) {
            await Promise.all(batch);
            batch = [];
          }
        }
        await Promise.all(batch);
        const ids = placed.map((order) => order.payload.orderId);
        await quiesce(ids);

        const rows = await sut.dataSource.query<Array<{ id: string; status: string; payment_id: string | null }>>(
          'SELECT id, status, payment_id FROM orders WHERE id = ANY($1)',
          [ids],
        );
        const statusOf = new Map(rows.map((row) => [row.id, row]));
        const live = placed.filter((order) => statusOf.get(order.payload.orderId)?.status === 'completed');
        expect(STOCK - (await stockOf(sut, product.id))).toBe(live.reduce((sum, order) => sum + order.quantity, 0));
        for (const order of placed) {
          const { status, payment_id: paymentId } = statusOf.get(order.payload.orderId) ?? {};
          const possible = order.card === 'tok_visa' ? ['completed', 'cancelled'] : ['payment_failed', 'cancelled'];
          expect(possible).toContain(status);
          expect(paymentId !== null).toBe(status === 'completed');
        }
      }),
      { numRuns: RUNS },
    );

    // The provider's side, for every order of every schedule: read once, all charges at the emulator.
    const charges = await emulator.charges();
    const orderRows = await sut.dataSource.query<Array<{ id: string; status: string; payment_id: string | null }>>(
      'SELECT id, status, payment_id FROM orders WHERE id = ANY($1)',
      [[...schedules.keys()]],
    );
    const violations = orderRows.flatMap((row) => {
      const kept = charges.filter((charge) => charge.metadata.order_id === row.id && isKept(charge));
      const expected = row.status === 'completed' ? [row.payment_id] : [];
      const ok = kept.length === expected.length && kept.every((charge) => expected.includes(charge.id));
      return ok ? [] : [{ order: row, kept: kept.map((charge) => charge.id), schedule: schedules.get(row.id) }];
    });
    expect(orderRows.length).toBeGreaterThanOrEqual(RUNS);
    expect(violations).toEqual([]);
    const [{ dead }] = await sut.dataSource.query<Array<{ dead: number }>>(
      'SELECT count(*)::int AS dead FROM dead_letter_events',
    );
    expect(dead).toBe(0);
  }, 300_000);
});
