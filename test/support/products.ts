import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import { type Role } from '../../src/common/access/roles';
import { CacheService } from '../../src/platform/cache';
import type { TestApp } from './test-app';
import { createUserWithRole, loginAs } from './users';

export interface Actor {
  readonly id: string;
  readonly token: string;
}

/** A user of `role` created through the users service (staff and admins cannot self-register), logged in. */
export async function actorWithRole(sut: TestApp, role: Role): Promise<Actor> {
  const user = await createUserWithRole(sut, role);
  return { id: user.id, token: await loginAs(sut, user) };
}

export function uniqueSku(prefix = 'SKU'): string {
  return `${prefix}-${randomBytes(5).toString('hex').toUpperCase()}`;
}

export function productInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { sku: uniqueSku(), name: 'Enamel mug', priceCents: 1000, stock: 10, ...overrides };
}

/** Creates a product through the API and returns its `data`. */
export async function createProduct(
  sut: TestApp,
  actor: Actor,
  overrides: Record<string, unknown> = {},
): Promise<Record<string, unknown> & { id: string }> {
  const response = await sut
    .http()
    .post('/api/v1/products')
    .auth(actor.token, { type: 'bearer' })
    .send(productInput(overrides))
    .expect(201);
  return response.body.data as Record<string, unknown> & { id: string };
}

/** Waits until a write/read round trip through the cache works (a Redis store connects in the background). */
export async function waitForCache(sut: TestApp, timeoutMs = 10_000): Promise<void> {
  const cache = sut.app.get(CacheService);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    // Stored by the first read and served by the second once the store works: the second loader then never runs.
    const key = `probe:ready:${Date.now()}`;
    await cache.getOrSet(key, async () => 'stored');
    if ((await cache.getOrSet(key, async () => 'not stored')) === 'stored') return;
    await sleep(100);
  }
  throw new Error('cache backend did not become available');
}
