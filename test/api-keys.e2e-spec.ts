import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import { Role } from '../src/common/access/roles';
import { createTestApp, type TestApp } from './support/test-app';
import { bearer, createUserWithRole, loginAs, registerUser } from './support/users';

describe('API keys', () => {
  let sut: TestApp;
  let adminToken: string;
  let customerToken: string;

  beforeAll(async () => {
    sut = await createTestApp();
    adminToken = await loginAs(sut, await createUserWithRole(sut, Role.Admin));
    customerToken = await loginAs(sut, await registerUser(sut));
  });

  afterAll(async () => {
    await sut.close();
  });

  function createKey(token: string, permissions: string[], extra: Record<string, unknown> = {}) {
    return sut
      .http()
      .post('/api/v1/auth/api-keys')
      .set(bearer(token))
      .send({ name: 'integration', permissions, ...extra });
  }

  const withKey = (method: 'get' | 'post' | 'delete', path: string, key: string) =>
    sut.http()[method](`/api/v1${path}`).set('X-API-Key', key);

  it('shows the key once, stores only its hash, and authenticates with it', async () => {
    const created = await createKey(customerToken, ['products:read', 'orders:read', 'profile:read']).expect(201);

    const { id, apiKey } = created.body.data as { id: string; apiKey: string };
    expect(created.body.data).toEqual({
      id: expect.any(String),
      apiKey: expect.stringMatching(/^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/),
      name: 'integration',
      permissions: ['products:read', 'orders:read', 'profile:read'],
      expiresAt: null,
      createdAt: expect.any(String),
    });
    expect(apiKey.startsWith(`${id}.`)).toBe(true);
    const secret = apiKey.slice(id.length + 1);
    const [row] = await sut.dataSource.query<Array<{ secret_hash: string }>>(
      'SELECT secret_hash FROM api_keys WHERE id = $1',
      [id],
    );
    expect(row.secret_hash).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(secret);

    const listed = await sut.http().get('/api/v1/auth/api-keys').set(bearer(customerToken)).expect(200);
    expect(listed.body.data).toEqual(expect.arrayContaining([expect.objectContaining({ id, name: 'integration' })]));
    expect(JSON.stringify(listed.body)).not.toContain(secret);

    const me = await withKey('get', '/users/me/permissions', apiKey).expect(200);
    expect(me.body.data).toEqual({
      role: 'customer',
      permissions: ['orders:read', 'products:read', 'profile:read'],
      authenticatedWith: 'api_key',
    });
  });

  it('gives a key at most what it was given: a products:read key of an admin cannot read users or audit logs', async () => {
    const { apiKey } = (await createKey(adminToken, ['products:read', 'api_keys:manage']).expect(201)).body.data as {
      apiKey: string;
    };

    const users = await withKey('get', '/users', apiKey).expect(403);
    expect(users.body.error.code).toBe('PERMISSION_DENIED');
    await withKey('get', '/admin/audit-logs', apiKey).expect(403);
    // The admin could create a product; the key, holding products:read only, cannot.
    const product = await sut
      .http()
      .post('/api/v1/products')
      .set('X-API-Key', apiKey)
      .send({ sku: 'KEY-SCOPE-1', name: 'Scoped', priceCents: 100, stock: 1 })
      .expect(403);
    expect(product.body.error.code).toBe('PERMISSION_DENIED');
    await withKey('get', '/products', apiKey).expect(200);
    // Nor can it mint a broader key for itself.
    const broader = await sut
      .http()
      .post('/api/v1/auth/api-keys')
      .set('X-API-Key', apiKey)
      .send({ name: 'escalate', permissions: ['users:read'] })
      .expect(403);
    expect(broader.body.error.details).toEqual({ permissions: ['users:read'] });
    await sut.http().get('/api/v1/users').set(bearer(adminToken)).expect(200);
  });

  it('refuses to give a key a permission its owner does not have', async () => {
    const response = await createKey(customerToken, ['products:read', 'users:read']).expect(403);

    expect(response.body.error).toMatchObject({ code: 'PERMISSION_DENIED', details: { permissions: ['users:read'] } });
  });

  it.each([
    ['an unknown permission', { permissions: ['products:fly'] }],
    ['no permission', { permissions: [] }],
    ['an expiry in the past', { permissions: ['products:read'], expiresAt: '2020-01-01T00:00:00Z' }],
    ['an expiry that is no date', { permissions: ['products:read'], expiresAt: 'tomorrow' }],
  ])('rejects %s with 422', async (_label, body) => {
    const response = await sut
      .http()
      .post('/api/v1/auth/api-keys')
      .set(bearer(customerToken))
      .send({ name: 'bad', ...body })
      .expect(422);

    expect(response.body.error.code).toBe('VALIDATION_ERROR');
  });

  it('stops working once revoked, at once; someone else’s key is a 404', async () => {
    const { id, apiKey } = (await createKey(customerToken, ['products:read', 'profile:read']).expect(201)).body
      .data as {
      id: string;
      apiKey: string;
    };
    await withKey('get', '/users/me', apiKey).expect(200);

    await sut.http().delete(`/api/v1/auth/api-keys/${id}`).set(bearer(adminToken)).expect(404);
    await withKey('get', '/users/me', apiKey).expect(200);
    await sut.http().delete(`/api/v1/auth/api-keys/${id}`).set(bearer(customerToken)).expect(204);

    const after = await withKey('get', '/users/me', apiKey).expect(401);
    expect(after.body.error.code).toBe('AUTHENTICATION_ERROR');
    const listed = await sut.http().get('/api/v1/auth/api-keys').set(bearer(customerToken)).expect(200);
    expect((listed.body.data as Array<{ id: string }>).map((key) => key.id)).not.toContain(id);
    await sut.http().delete(`/api/v1/auth/api-keys/${id}`).set(bearer(customerToken)).expect(204);
  });

  it('stops working when it expires', async () => {
    const expiresAt = new Date(Date.now() + 1500).toISOString();
    const { apiKey } = (await createKey(customerToken, ['products:read', 'profile:read'], { expiresAt }).expect(201))
      .body.data as {
      apiKey: string;
    };
    await withKey('get', '/users/me', apiKey).expect(200);

    await sleep(1600);

    await withKey('get', '/users/me', apiKey).expect(401);
  });

  it('records the last use, at most once a minute', async () => {
    const { id, apiKey } = (await createKey(customerToken, ['products:read', 'profile:read']).expect(201)).body
      .data as {
      id: string;
      apiKey: string;
    };
    const lastUsed = async () =>
      (
        await sut.dataSource.query<Array<{ last_used_at: Date | null }>>(
          'SELECT last_used_at FROM api_keys WHERE id = $1',
          [id],
        )
      )[0].last_used_at;
    expect(await lastUsed()).toBeNull();

    await withKey('get', '/users/me', apiKey).expect(200);
    const first = await lastUsed();
    await withKey('get', '/users/me', apiKey).expect(200);

    expect(first).toBeInstanceOf(Date);
    expect(await lastUsed()).toEqual(first);
  });

  it.each([
    ['a malformed key', () => 'not-a-key'],
    [
      'a known id with a wrong secret',
      async () => {
        const { id } = (await createKey(customerToken, ['products:read', 'profile:read']).expect(201)).body.data as {
          id: string;
        };
        return `${id}.${'A'.repeat(43)}`;
      },
    ],
    ['an unknown key', () => `00000000-0000-4000-8000-000000000000.${'B'.repeat(43)}`],
  ])('answers %s with 401', async (_label, key) => {
    const response = await withKey('get', '/users/me', await key()).expect(401);

    expect(response.body.error.code).toBe('AUTHENTICATION_ERROR');
  });

  it('refuses a request that carries both a bearer token and an API key', async () => {
    const { apiKey } = (await createKey(customerToken, ['products:read', 'profile:read']).expect(201)).body.data as {
      apiKey: string;
    };

    await sut.http().get('/api/v1/users/me').set(bearer(customerToken)).set('X-API-Key', apiKey).expect(401);
  });

  it('stops working at once when its owner is deactivated', async () => {
    const owner = await registerUser(sut);
    const ownerToken = await loginAs(sut, owner);
    const { apiKey } = (await createKey(ownerToken, ['products:read', 'profile:read']).expect(201)).body.data as {
      apiKey: string;
    };
    await withKey('get', '/users/me', apiKey).expect(200);

    await sut.http().delete(`/api/v1/users/${owner.id}`).set(bearer(adminToken)).expect(204);

    await withKey('get', '/users/me', apiKey).expect(401);
  });
});
