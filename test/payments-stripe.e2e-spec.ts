import { Role } from '../src/common/access/roles';
import { type InventoryReservedPayload, PaymentSucceeded } from '../src/orders/events/order-events';
import { OrdersService } from '../src/orders/orders.service';
import { PaymentGateway } from '../src/orders/payment/payment-gateway';
import { EventBus } from '../src/platform/events';
import { eventually } from './support/eventually';
import { metricValue } from './support/metrics';
import { placeOrder, settledOrder, stockOf } from './support/orders';
import { type Actor, actorWithRole, createProduct } from './support/products';
import { isKept, startStripeEmulator, type StripeEmulator } from './support/stripe-emulator';
import { TcpProxy } from './support/tcp-proxy';
import { createTestApp, type TestApp } from './support/test-app';

const RETRIES = 2;

/** The saga against an independent Stripe emulator, through the official SDK, behind a proxy the tests can stall. */
describe('Payments through Stripe (emulated)', () => {
  let emulator: StripeEmulator;
  let proxy: TcpProxy;
  let sut: TestApp;
  let staff: Actor;
  let customer: Actor;
  let charges: jest.SpiedFunction<PaymentGateway['charge']>;

  beforeAll(async () => {
    emulator = await startStripeEmulator();
    const target = new URL(emulator.env.STRIPE_API_URL);
    proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port) });
    sut = await createTestApp({
      env: {
        ...emulator.env,
        STRIPE_API_URL: proxy.urlFor(emulator.env.STRIPE_API_URL).replace(/\/$/, ''),
        PAYMENT_TIMEOUT_MS: '5000',
        PAYMENT_RETRIES: String(RETRIES),
        PAYMENT_RETRY_BASE_MS: '10',
        PAYMENT_BREAKER_THRESHOLD: '1000',
        EVENT_RETRY_BASE_MS: '20',
      },
    });
    // A spy, not a stand-in: the Stripe adapter still answers; the spy only sees the attempts.
    charges = jest.spyOn(sut.app.get(PaymentGateway), 'charge');
    staff = await actorWithRole(sut, Role.Staff);
    customer = await actorWithRole(sut, Role.Customer);
  });

  afterAll(async () => {
    await sut?.close();
    await proxy?.close();
    await emulator?.close();
  });

  async function place(paymentMethod: string, quantity = 3): Promise<{ orderId: string; productId: string }> {
    const product = await createProduct(sut, staff, { stock: 10, priceCents: 1250 });
    const response = await placeOrder(sut, customer, [{ productId: product.id, quantity }], paymentMethod).expect(201);
    return { orderId: response.body.data.id as string, productId: product.id };
  }

  async function storedPaymentId(orderId: string): Promise<string | null> {
    const [row] = await sut.dataSource.query<Array<{ payment_id: string | null }>>(
      'SELECT payment_id FROM orders WHERE id = $1',
      [orderId],
    );
    return row.payment_id;
  }

  const attemptsFor = (orderId: string) => charges.mock.calls.filter(([request]) => request.orderId === orderId).length;

  it('completes a paid order and stores the provider’s charge id; amount, currency and order id travel along', async () => {
    const { orderId, productId } = await place('tok_visa');

    expect(await settledOrder(sut, customer, orderId)).toEqual(expect.objectContaining({ status: 'completed' }));

    const [charge, ...others] = await emulator.chargesFor(orderId);
    expect(others).toEqual([]);
    expect(isKept(charge)).toBe(true);
    expect(charge).toEqual(
      expect.objectContaining({ amount: 3750, currency: 'usd', metadata: { order_id: orderId, amount_cents: '3750' } }),
    );
    expect(await storedPaymentId(orderId)).toBe(charge.id);
    expect(await stockOf(sut, productId)).toBe(7);
  });

  it('fails a declined card with the provider’s decline code, without retrying, and gives the stock back once', async () => {
    const { orderId, productId } = await place('tok_chargeDeclined');

    expect(await settledOrder(sut, customer, orderId)).toEqual(
      expect.objectContaining({ status: 'payment_failed', failureReason: 'generic_decline' }),
    );
    expect(attemptsFor(orderId)).toBe(1);
    expect(await stockOf(sut, productId)).toBe(10);
    const released = await sut.dataSource.query<unknown[]>(
      `SELECT 1 FROM outbox_events WHERE name = 'inventory.released' AND payload->>'orderId' = $1`,
      [orderId],
    );
    expect(released).toHaveLength(1);
    expect((await emulator.chargesFor(orderId)).filter(isKept)).toEqual([]);
  });

  it('fails a charge Stripe refuses for its content (amount too small) at once, as an answer, not an outage', async () => {
    const product = await createProduct(sut, staff, { stock: 10, priceCents: 30 });
    const response = await placeOrder(sut, customer, [{ productId: product.id, quantity: 1 }], 'tok_visa').expect(201);
    const orderId = response.body.data.id as string;

    expect(await settledOrder(sut, customer, orderId)).toEqual(
      expect.objectContaining({ status: 'payment_failed', failureReason: 'amount_too_small' }),
    );
    expect(attemptsFor(orderId)).toBe(1);
    expect(await stockOf(sut, product.id)).toBe(10);
  });

  it.each(['tok_500', 'tok_429'])(
    'retries a provider failure (%s), then fails the order cleanly with its stock back',
    async (token) => {
      const { orderId, productId } = await place(token);

      expect(await settledOrder(sut, customer, orderId)).toEqual(
        expect.objectContaining({ status: 'payment_failed', failureReason: 'provider_error' }),
      );
      expect(attemptsFor(orderId)).toBe(RETRIES + 1);
      expect(await stockOf(sut, productId)).toBe(10);
      expect((await emulator.chargesFor(orderId)).filter(isKept)).toEqual([]);
    },
  );

  it('refunds at the provider an order cancelled while its charge was in flight', async () => {
    proxy.hold();
    const placing = place('tok_visa');
    try {
      const { orderId } = await placing;
      await eventually(() => attemptsFor(orderId) > 0, 10_000, 'charge in flight');
      const cancelled = await sut
        .http()
        .post(`/api/v1/orders/${orderId}/cancel`)
        .auth(customer.token, { type: 'bearer' })
        .expect(200);
      expect(cancelled.body.data.status).toBe('cancelled');
    } finally {
      proxy.release();
    }
    const { orderId, productId } = await placing;

    const [charge] = await eventually(async () => {
      const found = await emulator.chargesFor(orderId);
      return found.length > 0 && found.every((candidate) => candidate.refunded) ? found : undefined;
    }, 10_000);
    expect(charge.amount_refunded).toBe(charge.amount);
    const refunds = await emulator.stripe.refunds.list({ charge: charge.id });
    expect(refunds.data).toHaveLength(1);
    expect(await settledOrder(sut, customer, orderId)).toEqual(expect.objectContaining({ status: 'cancelled' }));
    expect(await stockOf(sut, productId)).toBe(10);
  });

  it('charges once when the charge step runs twice', async () => {
    const { orderId } = await place('tok_visa');
    const reserved = await sut.dataSource.query<Array<{ payload: Record<string, unknown> }>>(
      `SELECT payload FROM outbox_events WHERE name = 'inventory.reserved' AND payload->>'orderId' = $1`,
      [orderId],
    );
    const orders = sut.app.get(OrdersService);
    const payload = reserved[0].payload as unknown as InventoryReservedPayload;

    await Promise.all([orders.collectPayment(payload), orders.collectPayment(payload)]);
    await settledOrder(sut, customer, orderId);

    expect(attemptsFor(orderId)).toBeGreaterThanOrEqual(2);
    const found = await emulator.chargesFor(orderId);
    expect(found).toHaveLength(1);
    expect(isKept(found[0])).toBe(true);
    expect(await storedPaymentId(orderId)).toBe(found[0].id);
  });

  it('leaves a completed order’s payment alone when payment.succeeded arrives again', async () => {
    const { orderId } = await place('tok_visa');
    await settledOrder(sut, customer, orderId);
    const paymentId = await storedPaymentId(orderId);
    const ignoredBefore = await metricValue(sut.app, 'orders_payment_outcomes_ignored_total', { verdict: 'repeat' });

    await sut.app.get(EventBus).publish(PaymentSucceeded, { orderId, paymentId: paymentId ?? '', amountCents: 3750 });
    await eventually(
      async () =>
        (await metricValue(sut.app, 'orders_payment_outcomes_ignored_total', { verdict: 'repeat' })) > ignoredBefore,
      10_000,
      'repeat counted',
    );

    const [charge] = await emulator.chargesFor(orderId);
    expect(charge.refunded).toBe(false);
    expect(isKept(charge)).toBe(true);
    expect(await settledOrder(sut, customer, orderId)).toEqual(expect.objectContaining({ status: 'completed' }));
  });
});

describe('The payment circuit with Stripe (emulated)', () => {
  const THRESHOLD = 2;
  let emulator: StripeEmulator;
  let sut: TestApp;
  let staff: Actor;
  let customer: Actor;

  beforeAll(async () => {
    emulator = await startStripeEmulator();
    sut = await createTestApp({
      env: {
        ...emulator.env,
        PAYMENT_RETRIES: '0',
        PAYMENT_BREAKER_THRESHOLD: String(THRESHOLD),
        PAYMENT_BREAKER_HALF_OPEN_MS: '60000',
        EVENT_RETRY_BASE_MS: '20',
      },
    });
    staff = await actorWithRole(sut, Role.Staff);
    customer = await actorWithRole(sut, Role.Customer);
  });

  afterAll(async () => {
    await sut?.close();
    await emulator?.close();
  });

  async function settle(paymentMethod: string): Promise<Record<string, unknown>> {
    const product = await createProduct(sut, staff, { stock: 10, priceCents: 1250 });
    const response = await placeOrder(sut, customer, [{ productId: product.id, quantity: 1 }], paymentMethod).expect(
      201,
    );
    return settledOrder(sut, customer, response.body.data.id as string);
  }

  it('stays closed through any number of declines, and opens only for provider failures', async () => {
    for (let i = 0; i < THRESHOLD * 3; i += 1) {
      expect(await settle('tok_chargeDeclined')).toEqual(expect.objectContaining({ status: 'payment_failed' }));
    }
    expect(await metricValue(sut.app, 'circuit_breaker_state', { circuit: 'payment' })).toBe(0);
    expect(await settle('tok_visa')).toEqual(expect.objectContaining({ status: 'completed' }));

    for (let i = 0; i < THRESHOLD; i += 1) await settle('tok_500');

    expect(await metricValue(sut.app, 'circuit_breaker_state', { circuit: 'payment' })).toBe(2);
    expect(await settle('tok_visa')).toEqual(
      expect.objectContaining({ status: 'payment_failed', failureReason: 'circuit_open' }),
    );
  });
});
