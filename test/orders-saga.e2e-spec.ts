import { setTimeout as sleep } from 'node:timers/promises';

import { Role } from '../src/common/access/roles';
import { eventually } from './support/eventually';
import { metricValue } from './support/metrics';
import { FAST_SAGA_ENV, placeOrder, settledOrder, stockOf } from './support/orders';
import { type Actor, actorWithRole, createProduct } from './support/products';
import { createTestApp, type TestApp } from './support/test-app';

describe('The order saga', () => {
  let sut: TestApp;
  let staff: Actor;
  let customer: Actor;

  beforeAll(async () => {
    sut = await createTestApp({ env: { ...FAST_SAGA_ENV, PAYMENT_BREAKER_THRESHOLD: '1000' } });
    staff = await actorWithRole(sut, Role.Staff);
    customer = await actorWithRole(sut, Role.Customer);
  });

  afterAll(async () => {
    await sut.close();
  });

  it.each([
    ['tok_ok', 'completed', null, 7],
    ['tok_flaky', 'completed', null, 7],
    ['tok_declined', 'payment_failed', 'card_declined', 10],
    ['tok_down', 'payment_failed', 'timeout', 10],
  ])('drives a %s order to %s and leaves the right stock', async (token, status, reason, finalStock) => {
    const product = await createProduct(sut, staff, { stock: 10 });
    const order = (await placeOrder(sut, customer, [{ productId: product.id, quantity: 3 }], token).expect(201)).body
      .data;

    const settled = await settledOrder(sut, customer, order.id);

    expect(settled).toEqual(expect.objectContaining({ status, failureReason: reason }));
    expect(await stockOf(sut, product.id)).toBe(finalStock);
  });

  it('records the saga’s events: reserved, then completed; or released exactly once', async () => {
    const product = await createProduct(sut, staff, { stock: 10 });
    const ok = (await placeOrder(sut, customer, [{ productId: product.id, quantity: 1 }], 'tok_ok').expect(201)).body
      .data;
    const declined = (
      await placeOrder(sut, customer, [{ productId: product.id, quantity: 1 }], 'tok_declined').expect(201)
    ).body.data;
    await settledOrder(sut, customer, ok.id);
    await settledOrder(sut, customer, declined.id);

    const eventsOf = async (orderId: string) =>
      (
        await sut.dataSource.query<Array<{ name: string }>>(
          `SELECT name FROM outbox_events WHERE payload->>'orderId' = $1 ORDER BY occurred_at, name`,
          [orderId],
        )
      ).map((row) => row.name);
    expect(await eventsOf(ok.id)).toEqual(
      expect.arrayContaining(['order.created', 'inventory.reserved', 'payment.succeeded', 'order.completed']),
    );
    const declinedEvents = await eventsOf(declined.id);
    expect(declinedEvents).toEqual(
      expect.arrayContaining(['order.created', 'inventory.reserved', 'payment.failed', 'inventory.released']),
    );
    expect(declinedEvents.filter((name) => name === 'inventory.released')).toHaveLength(1);
  });

  it('gives stock back exactly once when a cancellation races the payment failure', async () => {
    const product = await createProduct(sut, staff, { stock: 100 });
    const orders = await Promise.all(
      Array.from(
        { length: 10 },
        async () =>
          (await placeOrder(sut, customer, [{ productId: product.id, quantity: 2 }], 'tok_declined').expect(201)).body
            .data,
      ),
    );

    const cancels = await Promise.all(
      orders.map((order) =>
        sut.http().post(`/api/v1/orders/${order.id}/cancel`).auth(customer.token, { type: 'bearer' }),
      ),
    );
    const settled = await Promise.all(orders.map((order) => settledOrder(sut, customer, order.id)));
    await eventually(async () => (await stockOf(sut, product.id)) === 100, 10_000, 'stock restored');

    expect(cancels.every((response) => response.status === 200)).toBe(true);
    expect(settled.every((order) => order.status === 'cancelled')).toBe(true);
    await sleep(500);
    expect(await stockOf(sut, product.id)).toBe(100);
  });

  it('never oversells: 100 concurrent orders from 20 customers against 5 scarce products', async () => {
    const products = await Promise.all(Array.from({ length: 5 }, () => createProduct(sut, staff, { stock: 12 })));
    const customers = await Promise.all(Array.from({ length: 20 }, () => actorWithRole(sut, Role.Customer)));
    const attempts = Array.from({ length: 100 }, (_, i) => ({
      actor: customers[i % customers.length],
      lines: [
        { productId: products[i % 5].id, quantity: 1 + (i % 3) },
        { productId: products[(i + 2) % 5].id, quantity: 1 },
      ],
      token: i % 4 === 0 ? 'tok_declined' : 'tok_ok',
    }));

    const responses = await Promise.all(
      attempts.map((attempt) => placeOrder(sut, attempt.actor, attempt.lines, attempt.token)),
    );

    expect(responses.every((response) => response.status === 201 || response.status === 409)).toBe(true);
    const placed = responses.flatMap((response, i) =>
      response.status === 201 ? [{ ...attempts[i], id: response.body.data.id as string }] : [],
    );
    const final = await Promise.all(placed.map((order) => settledOrder(sut, order.actor, order.id, 30_000)));
    for (const product of products) {
      const kept = placed.filter((_, i) => final[i].status === 'completed');
      const taken = kept
        .flatMap((order) => order.lines)
        .filter((line) => line.productId === product.id)
        .reduce((sum, line) => sum + line.quantity, 0);
      const stock = await stockOf(sut, product.id);
      expect(stock).toBeGreaterThanOrEqual(0);
      expect(stock).toBe(12 - taken);
    }
    expect(placed.length).toBeGreaterThan(0);
    expect(responses.some((response) => response.status === 409)).toBe(true);
  }, 90_000);

  it('counts orders by the status they settled in', async () => {
    expect(await metricValue(sut.app, 'orders_settled_total', { status: 'completed' })).toBeGreaterThan(0);
    expect(await metricValue(sut.app, 'orders_settled_total', { status: 'payment_failed' })).toBeGreaterThan(0);
    expect(await metricValue(sut.app, 'orders_placed_total')).toBeGreaterThan(0);
  });
});

describe('The order saga while the payment provider is down', () => {
  const HALF_OPEN_MS = 6000;
  let sut: TestApp;
  let staff: Actor;
  let customer: Actor;

  beforeAll(async () => {
    sut = await createTestApp({
      // The circuit must stay open from the second failed order to the fast-failed one, even on a busy machine.
      env: { ...FAST_SAGA_ENV, PAYMENT_BREAKER_THRESHOLD: '3', PAYMENT_BREAKER_HALF_OPEN_MS: String(HALF_OPEN_MS) },
    });
    staff = await actorWithRole(sut, Role.Staff);
    customer = await actorWithRole(sut, Role.Customer);
  });

  afterAll(async () => {
    await sut.close();
  });

  it('opens the circuit, fails later orders fast, and recovers when it half-opens', async () => {
    const product = await createProduct(sut, staff, { stock: 100 });
    const down = (await placeOrder(sut, customer, [{ productId: product.id, quantity: 1 }], 'tok_down').expect(201))
      .body.data;
    const first = await settledOrder(sut, customer, down.id);
    const down2 = (await placeOrder(sut, customer, [{ productId: product.id, quantity: 1 }], 'tok_down').expect(201))
      .body.data;
    await settledOrder(sut, customer, down2.id);
    expect(first).toEqual(expect.objectContaining({ status: 'payment_failed', failureReason: 'timeout' }));

    const ready = await sut.http().get('/health/ready').expect(200);
    expect(ready.body.details.payment).toEqual({ status: 'degraded', circuit: 'Open' });

    const started = Date.now();
    const fastFail = (await placeOrder(sut, customer, [{ productId: product.id, quantity: 1 }], 'tok_ok').expect(201))
      .body.data;
    expect(await settledOrder(sut, customer, fastFail.id)).toEqual(
      expect.objectContaining({ status: 'payment_failed', failureReason: 'circuit_open' }),
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await metricValue(sut.app, 'circuit_breaker_state', { circuit: 'payment' })).toBe(2);

    await sleep(HALF_OPEN_MS + 100);
    const recovered = (await placeOrder(sut, customer, [{ productId: product.id, quantity: 1 }], 'tok_ok').expect(201))
      .body.data;
    expect(await settledOrder(sut, customer, recovered.id)).toEqual(expect.objectContaining({ status: 'completed' }));
    expect(await stockOf(sut, product.id)).toBe(99);
  }, 30_000);
});
