import { randomUUID } from 'node:crypto';

import { Role } from '../src/common/access/roles';
import { placeOrder, settledOrder, stockOf } from './support/orders';
import { type Actor, actorWithRole, createProduct } from './support/products';
import { createTestApp, type TestApp } from './support/test-app';

describe('Orders: placement, reads and cancellation', () => {
  let sut: TestApp;
  let staff: Actor;
  let alice: Actor;
  let bob: Actor;

  beforeAll(async () => {
    sut = await createTestApp();
    staff = await actorWithRole(sut, Role.Staff);
    alice = await actorWithRole(sut, Role.Customer);
    bob = await actorWithRole(sut, Role.Customer);
  });

  afterAll(async () => {
    await sut.close();
  });

  it('prices the order from the catalogue, reserves stock and answers 201 pending', async () => {
    const mug = await createProduct(sut, staff, { priceCents: 1250, stock: 10 });
    const tea = await createProduct(sut, staff, { priceCents: 499, stock: 10 });

    const response = await placeOrder(sut, alice, [
      { productId: mug.id, quantity: 2 },
      { productId: tea.id, quantity: 3 },
    ]).expect(201);

    expect(response.body.data).toEqual(
      expect.objectContaining({
        status: 'pending',
        userId: alice.id,
        totalCents: 2 * 1250 + 3 * 499,
        paymentMethod: 'tok_ok',
      }),
    );
    expect(response.body.data.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ productId: mug.id, unitPriceCents: 1250, quantity: 2, lineTotalCents: 2500 }),
        expect.objectContaining({ productId: tea.id, unitPriceCents: 499, quantity: 3, lineTotalCents: 1497 }),
      ]),
    );
    expect(await stockOf(sut, mug.id)).toBe(8);
  });

  it('keeps the price paid when the catalogue price changes later', async () => {
    const lamp = await createProduct(sut, staff, { priceCents: 10000, stock: 5 });
    const order = (await placeOrder(sut, alice, [{ productId: lamp.id, quantity: 1 }]).expect(201)).body.data;

    await sut
      .http()
      .patch(`/api/v1/products/${lamp.id}`)
      .auth(staff.token, { type: 'bearer' })
      .send({ priceCents: 11000 })
      .expect(200);

    const read = await sut.http().get(`/api/v1/orders/${order.id}`).auth(alice.token, { type: 'bearer' }).expect(200);
    expect(read.body.data.items[0].unitPriceCents).toBe(10000);
  });

  it('merges lines for the same product', async () => {
    const pen = await createProduct(sut, staff, { priceCents: 100, stock: 10 });

    const response = await placeOrder(sut, alice, [
      { productId: pen.id, quantity: 2 },
      { productId: pen.id, quantity: 3 },
    ]).expect(201);

    expect(response.body.data.items).toEqual([expect.objectContaining({ productId: pen.id, quantity: 5 })]);
    expect(await stockOf(sut, pen.id)).toBe(5);
  });

  it('refuses more than the stock with 409 INSUFFICIENT_STOCK, and takes nothing', async () => {
    const rare = await createProduct(sut, staff, { stock: 2 });
    const plenty = await createProduct(sut, staff, { stock: 50 });

    const response = await placeOrder(sut, alice, [
      { productId: plenty.id, quantity: 5 },
      { productId: rare.id, quantity: 3 },
    ]).expect(409);

    expect(response.body.error).toEqual(
      expect.objectContaining({
        code: 'INSUFFICIENT_STOCK',
        details: { productId: rare.id, requested: 3, available: 2 },
      }),
    );
    expect(await stockOf(sut, plenty.id)).toBe(50);
    expect(await stockOf(sut, rare.id)).toBe(2);
  });

  it('answers 404 for an unknown or deleted product', async () => {
    const gone = await createProduct(sut, staff);
    await sut.http().delete(`/api/v1/products/${gone.id}`).auth(staff.token, { type: 'bearer' }).expect(204);

    await placeOrder(sut, alice, [{ productId: randomUUID(), quantity: 1 }]).expect(404);
    await placeOrder(sut, alice, [{ productId: gone.id, quantity: 1 }]).expect(404);
  });

  it.each([
    ['no items', { items: [], paymentMethod: 'tok_ok' }],
    ['quantity 0', { items: [{ productId: randomUUID(), quantity: 0 }], paymentMethod: 'tok_ok' }],
    ['quantity 1001', { items: [{ productId: randomUUID(), quantity: 1001 }], paymentMethod: 'tok_ok' }],
    ['a fractional quantity', { items: [{ productId: randomUUID(), quantity: 1.5 }], paymentMethod: 'tok_ok' }],
    ['a negative quantity', { items: [{ productId: randomUUID(), quantity: -1 }], paymentMethod: 'tok_ok' }],
    ['a malformed product id', { items: [{ productId: 'nope', quantity: 1 }], paymentMethod: 'tok_ok' }],
    [
      'a client-sent price',
      { items: [{ productId: randomUUID(), quantity: 1, priceCents: 1 }], paymentMethod: 'tok_ok' },
    ],
    [
      'a client-sent total',
      { items: [{ productId: randomUUID(), quantity: 1 }], paymentMethod: 'tok_ok', totalCents: 1 },
    ],
    ['no payment method', { items: [{ productId: randomUUID(), quantity: 1 }] }],
  ])('refuses %s with 422', async (_case, body) => {
    const response = await sut
      .http()
      .post('/api/v1/orders')
      .auth(alice.token, { type: 'bearer' })
      .send(body)
      .expect(422);

    expect(response.body.error.code).toBe('VALIDATION_ERROR');
  });

  it('refuses merged lines that exceed the per-line maximum', async () => {
    const bulk = await createProduct(sut, staff, { stock: 5000 });

    await placeOrder(sut, alice, [
      { productId: bulk.id, quantity: 600 },
      { productId: bulk.id, quantity: 600 },
    ]).expect(422);
  });

  it('shows an order to its owner and to staff, and hides it (404) from other customers', async () => {
    const product = await createProduct(sut, staff);
    const order = (await placeOrder(sut, alice, [{ productId: product.id, quantity: 1 }]).expect(201)).body.data;

    await sut.http().get(`/api/v1/orders/${order.id}`).auth(alice.token, { type: 'bearer' }).expect(200);
    await sut.http().get(`/api/v1/orders/${order.id}`).auth(staff.token, { type: 'bearer' }).expect(200);
    const hidden = await sut.http().get(`/api/v1/orders/${order.id}`).auth(bob.token, { type: 'bearer' }).expect(404);
    const unknown = await sut
      .http()
      .get(`/api/v1/orders/${randomUUID()}`)
      .auth(bob.token, { type: 'bearer' })
      .expect(404);
    expect(hidden.body.error.message).toBe(unknown.body.error.message);
  });

  it('lists only the caller’s orders, everyone’s for staff, filtered by status', async () => {
    const product = await createProduct(sut, staff, { stock: 100 });
    await placeOrder(sut, bob, [{ productId: product.id, quantity: 1 }]).expect(201);

    const own = await sut.http().get('/api/v1/orders?pageSize=100').auth(bob.token, { type: 'bearer' }).expect(200);
    const all = await sut.http().get('/api/v1/orders?pageSize=100').auth(staff.token, { type: 'bearer' }).expect(200);
    const pending = await sut
      .http()
      .get('/api/v1/orders?status=pending&limit=100')
      .auth(staff.token, { type: 'bearer' })
      .expect(200);

    expect(own.body.data.every((order: { userId: string }) => order.userId === bob.id)).toBe(true);
    expect(all.body.data.some((order: { userId: string }) => order.userId === alice.id)).toBe(true);
    expect(all.body.meta.total).toBeGreaterThan(own.body.meta.total);
    expect(pending.body.data.every((order: { status: string }) => order.status === 'pending')).toBe(true);
    await sut.http().get('/api/v1/orders?status=shipped').auth(staff.token, { type: 'bearer' }).expect(422);
  });

  it('cancels a pending order once, giving its stock back exactly once', async () => {
    const product = await createProduct(sut, staff, { stock: 10 });
    const order = (await placeOrder(sut, alice, [{ productId: product.id, quantity: 4 }], 'tok_down').expect(201)).body
      .data;

    const cancelled = await sut
      .http()
      .post(`/api/v1/orders/${order.id}/cancel`)
      .auth(alice.token, { type: 'bearer' })
      .expect(200);
    const again = await sut
      .http()
      .post(`/api/v1/orders/${order.id}/cancel`)
      .auth(alice.token, { type: 'bearer' })
      .expect(409);

    expect(cancelled.body.data.status).toBe('cancelled');
    expect(again.body.error).toEqual(
      expect.objectContaining({
        code: 'INVALID_STATE',
        details: expect.objectContaining({ currentState: 'cancelled' }),
      }),
    );
    expect(await stockOf(sut, product.id)).toBe(10);
  });

  it('refuses to cancel a completed order (409) and hides others’ orders from cancellation (404)', async () => {
    const product = await createProduct(sut, staff, { stock: 10 });
    const order = (await placeOrder(sut, alice, [{ productId: product.id, quantity: 1 }]).expect(201)).body.data;
    await settledOrder(sut, alice, order.id);

    await sut.http().post(`/api/v1/orders/${order.id}/cancel`).auth(bob.token, { type: 'bearer' }).expect(404);
    const response = await sut
      .http()
      .post(`/api/v1/orders/${order.id}/cancel`)
      .auth(alice.token, { type: 'bearer' })
      .expect(409);
    expect(response.body.error.details.currentState).toBe('completed');
  });

  it('records placement and cancellation in the audit log, in the same transaction', async () => {
    const product = await createProduct(sut, staff, { stock: 10 });
    const order = (await placeOrder(sut, alice, [{ productId: product.id, quantity: 1 }], 'tok_down').expect(201)).body
      .data;
    await sut.http().post(`/api/v1/orders/${order.id}/cancel`).auth(alice.token, { type: 'bearer' }).expect(200);

    const rows = await sut.dataSource.query<Array<{ action: string; actor_id: string }>>(
      'SELECT action, actor_id FROM audit_logs WHERE resource_id = $1 ORDER BY created_at',
      [order.id],
    );
    expect(rows).toEqual([
      { action: 'order.placed', actor_id: alice.id },
      { action: 'order.cancelled', actor_id: alice.id },
    ]);
  });

  describe('Idempotency-Key', () => {
    it('turns ten parallel retries into one order with identical responses', async () => {
      const product = await createProduct(sut, staff, { stock: 100 });
      const key = `checkout-${randomUUID()}`;

      const responses = await Promise.all(
        Array.from({ length: 10 }, () =>
          placeOrder(sut, alice, [{ productId: product.id, quantity: 2 }], 'tok_ok', { 'Idempotency-Key': key }),
        ),
      );

      expect(responses.map((response) => response.status)).toEqual(Array.from({ length: 10 }, () => 201));
      const ids = new Set(responses.map((response) => response.body.data.id as string));
      expect(ids.size).toBe(1);
      for (const response of responses) expect(response.body.data).toEqual(responses[0].body.data);
      expect(responses.filter((response) => response.headers['idempotent-replayed'] === 'true')).toHaveLength(9);
      expect(await stockOf(sut, product.id)).toBe(98);
    });

    it('replays the first response byte for byte (status, body, key order), even after the order settled', async () => {
      const [mug, cup] = await Promise.all([
        createProduct(sut, staff, { stock: 100 }),
        createProduct(sut, staff, { stock: 100 }),
      ]);
      const key = `checkout-${randomUUID()}`;
      const lines = [
        { productId: mug.id, quantity: 2 },
        { productId: cup.id, quantity: 1 },
      ];
      const send = () =>
        sut
          .http()
          .post('/api/v1/orders')
          .auth(alice.token, { type: 'bearer' })
          .set('Idempotency-Key', key)
          .send({ items: lines, paymentMethod: 'tok_ok', notes: 'Ring twice' });

      const first = await send().expect(201);
      await settledOrder(sut, alice, first.body.data.id as string);
      const replay = await send();

      expect(replay.status).toBe(first.status);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.headers['content-type']).toBe(first.headers['content-type']);
      expect(replay.text).toBe(first.text);
      expect(Object.keys(JSON.parse(replay.text).data)).toEqual(Object.keys(first.body.data));
    });

    it('refuses the same key with a different body (422)', async () => {
      const product = await createProduct(sut, staff, { stock: 100 });
      const key = `checkout-${randomUUID()}`;
      await placeOrder(sut, alice, [{ productId: product.id, quantity: 1 }], 'tok_ok', {
        'Idempotency-Key': key,
      }).expect(201);

      const response = await placeOrder(sut, alice, [{ productId: product.id, quantity: 2 }], 'tok_ok', {
        'Idempotency-Key': key,
      }).expect(422);

      expect(response.body.error.details.errors[0].loc).toEqual(['header', 'Idempotency-Key']);
    });

    it('keeps keys per user', async () => {
      const product = await createProduct(sut, staff, { stock: 100 });
      const key = `shared-${randomUUID()}`;

      const first = await placeOrder(sut, alice, [{ productId: product.id, quantity: 1 }], 'tok_ok', {
        'Idempotency-Key': key,
      }).expect(201);
      const second = await placeOrder(sut, bob, [{ productId: product.id, quantity: 1 }], 'tok_ok', {
        'Idempotency-Key': key,
      }).expect(201);

      expect(first.body.data.id).not.toBe(second.body.data.id);
    });

    it('refuses a malformed key (422)', async () => {
      await placeOrder(sut, alice, [{ productId: randomUUID(), quantity: 1 }], 'tok_ok', {
        'Idempotency-Key': 'x'.repeat(300),
      }).expect(422);
    });
  });
});
