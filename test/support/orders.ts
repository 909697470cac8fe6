import type { Test } from 'supertest';

import { eventually } from './eventually';
import type { Actor } from './products';
import type { TestApp } from './test-app';

/** Payment and event timings short enough for a suite to watch a saga settle, retry and give up. */
export const FAST_SAGA_ENV = {
  PAYMENT_TIMEOUT_MS: '100',
  PAYMENT_RETRIES: '2',
  PAYMENT_RETRY_BASE_MS: '10',
  EVENT_RETRY_BASE_MS: '20',
  OUTBOX_POLL_INTERVAL_MS: '500',
} as const;

export interface OrderLine {
  readonly productId: string;
  readonly quantity: number;
}

/** POST /orders as `actor` (the response is returned whatever its status). */
export function placeOrder(
  sut: TestApp,
  actor: Actor,
  items: OrderLine[],
  paymentMethod = 'tok_ok',
  headers: Record<string, string> = {},
): Test {
  return sut
    .http()
    .post('/api/v1/orders')
    .auth(actor.token, { type: 'bearer' })
    .set(headers)
    .send({ items, paymentMethod });
}

/** Polls the order until its status is no longer `pending` (the saga has settled it) and returns its data. */
export async function settledOrder(
  sut: TestApp,
  actor: Actor,
  orderId: string,
  timeoutMs = 15_000,
): Promise<Record<string, unknown>> {
  return eventually(
    async () => {
      const response = await sut
        .http()
        .get(`/api/v1/orders/${orderId}`)
        .auth(actor.token, { type: 'bearer' })
        .expect(200);
      const data = response.body.data as Record<string, unknown>;
      return data.status === 'pending' ? undefined : data;
    },
    timeoutMs,
    `order ${orderId} settled`,
  );
}

export async function stockOf(sut: TestApp, productId: string): Promise<number> {
  const [row] = await sut.dataSource.query<Array<{ stock: number }>>('SELECT stock FROM products WHERE id = $1', [
    productId,
  ]);
  return row.stock;
}
