import { MAX_ACTIVE_API_KEYS } from '../src/auth/api-keys.service';
import { Role } from '../src/common/access/roles';
import { createTestApp, type TestApp } from './support/test-app';
import { bearer, createUserWithRole, loginAs, registerUser } from './support/users';

interface CreatedKey {
  readonly id: string;
  readonly apiKey: string;
  readonly expiresAt: string | null;
}

/** Rules an attacker would try to walk around: key scopes on self-service routes, key minting, the key cap, price steps. */
describe('Scopes and rules that hold over sequences of requests', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await createTestApp();
  });

  afterAll(async () => {
    await sut.close();
  });

  const mint = (headers: Record<string, string>, permissions: string[], extra: Record<string, unknown> = {}) =>
    sut
      .http()
      .post('/api/v1/auth/api-keys')
      .set(headers)
      .send({ name: 'k', permissions, ...extra });
  const asKey = (apiKey: string) => ({ 'X-API-Key': apiKey });

  describe('API-key scopes on self-service routes', () => {
    it('keeps a key without profile or key-management scopes off the owner’s account and keys', async () => {
      const owner = await registerUser(sut);
      const token = await loginAs(sut, owner);
      const narrow = (await mint(bearer(token), ['products:read']).expect(201)).body.data as CreatedKey;
      const key = asKey(narrow.apiKey);

      for (const [method, path] of [
        ['get', '/api/v1/users/me'],
        ['get', '/api/v1/users/me/permissions'],
        ['get', '/api/v1/auth/api-keys'],
      ] as const) {
        const refused = await sut.http()[method](path).set(key).expect(403);
        expect(refused.body.error.code).toBe('PERMISSION_DENIED');
      }
      await sut.http().patch('/api/v1/users/me').set(key).send({ fullName: 'Taken Over' }).expect(403);
      await sut.http().get(`/api/v1/users/${owner.id}`).set(key).expect(403);
      await mint(key, ['products:read']).expect(403);
      await sut.http().delete(`/api/v1/auth/api-keys/${narrow.id}`).set(key).expect(403);
      const profile = await sut.http().get('/api/v1/users/me').set(bearer(token)).expect(200);
      expect(profile.body.data.fullName).toBeNull();
    });

    it('lets a key act on the owner’s account exactly as far as its scopes go', async () => {
      const token = await loginAs(sut, await registerUser(sut));
      const reader = (await mint(bearer(token), ['profile:read']).expect(201)).body.data as CreatedKey;

      await sut.http().get('/api/v1/users/me').set(asKey(reader.apiKey)).expect(200);
      const other = await registerUser(sut);
      await sut.http().get(`/api/v1/users/${other.id}`).set(asKey(reader.apiKey)).expect(404);
      await sut.http().patch('/api/v1/users/me').set(asKey(reader.apiKey)).send({ fullName: 'No' }).expect(403);
    });
  });

  describe('keys minted with keys', () => {
    it('never outlive the key that minted them, and inherit its expiry when none is asked', async () => {
      const token = await loginAs(sut, await registerUser(sut));
      const parentExpiry = new Date(Date.now() + 3_600_000);
      const parent = (
        await mint(bearer(token), ['products:read', 'api_keys:manage'], {
          expiresAt: parentExpiry.toISOString(),
        }).expect(201)
      ).body.data as CreatedKey;

      const later = await mint(asKey(parent.apiKey), ['products:read'], {
        expiresAt: new Date(parentExpiry.getTime() + 86_400_000).toISOString(),
      }).expect(422);
      expect(later.body.error.details.errors[0].loc).toEqual(['body', 'expiresAt']);
      const inherited = (await mint(asKey(parent.apiKey), ['products:read']).expect(201)).body.data as CreatedKey;
      expect(new Date(inherited.expiresAt ?? 0).getTime()).toBeLessThanOrEqual(parentExpiry.getTime());
      const broader = await mint(asKey(parent.apiKey), ['orders:read']).expect(403);
      expect(broader.body.error.details).toEqual({ permissions: ['orders:read'] });
    });

    it('are revoked with the key that minted them, down the whole chain', async () => {
      const token = await loginAs(sut, await registerUser(sut));
      const scopes = ['products:read', 'api_keys:manage', 'profile:read'];
      const parent = (await mint(bearer(token), scopes).expect(201)).body.data as CreatedKey;
      const child = (await mint(asKey(parent.apiKey), scopes).expect(201)).body.data as CreatedKey;
      const grandchild = (await mint(asKey(child.apiKey), scopes).expect(201)).body.data as CreatedKey;
      const sibling = (await mint(bearer(token), scopes).expect(201)).body.data as CreatedKey;
      await sut.http().get('/api/v1/users/me').set(asKey(grandchild.apiKey)).expect(200);

      await sut.http().delete(`/api/v1/auth/api-keys/${parent.id}`).set(bearer(token)).expect(204);

      for (const key of [parent, child, grandchild]) {
        await sut.http().get('/api/v1/users/me').set(asKey(key.apiKey)).expect(401);
      }
      await sut.http().get('/api/v1/users/me').set(asKey(sibling.apiKey)).expect(200);
    });
  });

  it(`never lets ${MAX_ACTIVE_API_KEYS * 2} parallel creations exceed ${MAX_ACTIVE_API_KEYS} active keys`, async () => {
    const owner = await registerUser(sut);
    const token = await loginAs(sut, owner);

    const responses = await Promise.all(
      Array.from({ length: MAX_ACTIVE_API_KEYS * 2 }, () => mint(bearer(token), ['products:read'])),
    );

    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(MAX_ACTIVE_API_KEYS);
    expect(statuses.filter((status) => status === 422)).toHaveLength(MAX_ACTIVE_API_KEYS);
    const [{ count }] = await sut.dataSource.query<Array<{ count: string }>>(
      'SELECT count(*) FROM api_keys WHERE user_id = $1 AND revoked_at IS NULL',
      [owner.id],
    );
    expect(Number(count)).toBe(MAX_ACTIVE_API_KEYS);
  }, 60_000);

  describe('the 20% price rule over a sequence of changes', () => {
    it('measures every unprivileged change against the reference price an admin set', async () => {
      const staffToken = await loginAs(sut, await createUserWithRole(sut, Role.Staff));
      const adminToken = await loginAs(sut, await createUserWithRole(sut, Role.Admin));
      const created = await sut
        .http()
        .post('/api/v1/products')
        .set(bearer(staffToken))
        .send({ sku: `STEP-${Date.now()}`, name: 'Stepped', priceCents: 10_000, stock: 1 })
        .expect(201);
      const id = created.body.data.id as string;
      const setPrice = (token: string, priceCents: number) =>
        sut.http().patch(`/api/v1/products/${id}`).set(bearer(token)).send({ priceCents });

      await setPrice(staffToken, 11_900).expect(200);
      // +17.6% from the current price, but +40% from the reference: refused.
      const stepped = await setPrice(staffToken, 14_000).expect(403);
      expect(stepped.body.error.details).toMatchObject({ reason: 'price_change_too_large' });
      await setPrice(staffToken, 12_000).expect(200);
      await setPrice(staffToken, 8_000).expect(200);
      await setPrice(staffToken, 7_900).expect(403);

      await setPrice(adminToken, 14_000).expect(200);
      await setPrice(staffToken, 16_800).expect(200);
      await setPrice(staffToken, 16_900).expect(403);
    });
  });
});
