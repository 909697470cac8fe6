import { randomUUID } from 'node:crypto';

import { Role } from '../src/common/access/roles';
import { LogCapture } from './support/log-capture';
import { metricValue } from './support/metrics';
import { createTestApp, type TestApp } from './support/test-app';
import { bearer, createUserWithRole, loginAs, registerUser } from './support/users';

describe('Users administration and role-based access', () => {
  const logs = new LogCapture();
  let sut: TestApp;
  let adminToken: string;
  let staffToken: string;
  let customer: { id: string; token: string };

  beforeAll(async () => {
    sut = await createTestApp({ logs });
    adminToken = await loginAs(sut, await createUserWithRole(sut, Role.Admin));
    staffToken = await loginAs(sut, await createUserWithRole(sut, Role.Staff));
    const registered = await registerUser(sut);
    customer = { id: registered.id, token: await loginAs(sut, registered) };
  });

  afterAll(async () => {
    await sut.close();
  });

  describe('who may do what', () => {
    it.each([
      ['GET', '/users'],
      ['GET', '/admin/audit-logs'],
      ['PATCH', '/users/00000000-0000-4000-8000-000000000000/role'],
      ['DELETE', '/users/00000000-0000-4000-8000-000000000000'],
    ])('a customer gets 403 on %s %s', async (method, path) => {
      const response = await sut
        .http()
        [method.toLowerCase() as 'get' | 'patch' | 'delete'](`/api/v1${path}`)
        .set(bearer(customer.token))
        .send(method === 'PATCH' ? { role: 'admin' } : undefined)
        .expect(403);

      expect(response.body.error.code).toBe('PERMISSION_DENIED');
    });

    it('staff get 403 on the admin routes', async () => {
      await sut.http().get('/api/v1/users').set(bearer(staffToken)).expect(403);
      await sut.http().get('/api/v1/admin/audit-logs').set(bearer(staffToken)).expect(403);
    });

    it('a customer gets 404 for another customer’s account, and sees their own', async () => {
      const other = await registerUser(sut);

      const response = await sut.http().get(`/api/v1/users/${other.id}`).set(bearer(customer.token)).expect(404);
      expect(response.body.error.code).toBe('RESOURCE_NOT_FOUND');
      // The same answer as for an id that does not exist: existence does not leak.
      const unknown = await sut.http().get(`/api/v1/users/${randomUUID()}`).set(bearer(customer.token)).expect(404);
      expect(unknown.body.error.message).toBe(response.body.error.message);
      await sut.http().get(`/api/v1/users/${customer.id}`).set(bearer(customer.token)).expect(200);
    });

    it('an admin reads any account; a malformed id is 422, an unknown one 404', async () => {
      await sut.http().get(`/api/v1/users/${customer.id}`).set(bearer(adminToken)).expect(200);
      await sut.http().get('/api/v1/users/not-a-uuid').set(bearer(adminToken)).expect(422);
      await sut.http().get(`/api/v1/users/${randomUUID()}`).set(bearer(adminToken)).expect(404);
    });

    it('lists the caller’s effective permissions', async () => {
      const response = await sut.http().get('/api/v1/users/me/permissions').set(bearer(customer.token)).expect(200);

      expect(response.body.data).toEqual({
        role: 'customer',
        permissions: [
          'api_keys:manage',
          'orders:create',
          'orders:read',
          'products:read',
          'profile:read',
          'profile:update',
        ],
        authenticatedWith: 'access_token',
      });
    });

    it('reads the caller’s role and state from the cache, not from Postgres, on every request', async () => {
      await sut.http().get('/api/v1/users/me/permissions').set(bearer(customer.token)).expect(200);
      const hits = await metricValue(sut.app, 'cache_hits_total', { prefix: 'users' });
      const misses = await metricValue(sut.app, 'cache_misses_total', { prefix: 'users' });

      for (let i = 0; i < 3; i += 1) {
        await sut.http().get('/api/v1/users/me/permissions').set(bearer(customer.token)).expect(200);
      }

      expect(await metricValue(sut.app, 'cache_hits_total', { prefix: 'users' })).toBe(hits + 3);
      expect(await metricValue(sut.app, 'cache_misses_total', { prefix: 'users' })).toBe(misses);
    });

    it('counts denials without ids in labels and logs a permission.denied event', async () => {
      const denied = await metricValue(sut.app, 'permission_checks_total', { result: 'denied' });
      const usersRead = await metricValue(sut.app, 'permission_denied_total', { permission: 'users:read' });

      await sut.http().get('/api/v1/users').set(bearer(customer.token)).expect(403);

      expect(await metricValue(sut.app, 'permission_checks_total', { result: 'denied' })).toBe(denied + 1);
      expect(await metricValue(sut.app, 'permission_denied_total', { permission: 'users:read' })).toBe(usersRead + 1);
      const event = logs.entries.filter((entry) => entry.event === 'permission.denied').at(-1);
      expect(event).toMatchObject({
        event: 'permission.denied',
        userId: customer.id,
        role: 'customer',
        missing: ['users:read'],
        route: 'UsersController.list',
      });
      const exposition = await sut.http().get('/metrics').expect(200);
      const lines = exposition.text.split('\n').filter((line) => line.startsWith('permission_'));
      expect(lines.join('\n')).not.toContain(customer.id);
    });
  });

  describe('GET /users', () => {
    it('pages through accounts with the paginator, filtered and sorted', async () => {
      const page = await sut.http().get('/api/v1/users?pageSize=2&sort=email:asc').set(bearer(adminToken)).expect(200);

      expect(page.body.data).toHaveLength(2);
      expect(page.body.meta).toMatchObject({ page: 1, pageSize: 2, hasPrev: false });
      expect(page.body.meta.total).toBeGreaterThanOrEqual(3);
      const emails = (page.body.data as Array<{ email: string }>).map((user) => user.email);
      expect([...emails].sort()).toEqual(emails);

      const staff = await sut.http().get('/api/v1/users?role=staff').set(bearer(adminToken)).expect(200);
      expect((staff.body.data as Array<{ role: string }>).every((user) => user.role === 'staff')).toBe(true);

      const cursor = await sut.http().get('/api/v1/users?limit=1').set(bearer(adminToken)).expect(200);
      expect(cursor.body.meta).toMatchObject({ limit: 1, hasNext: true, nextCursor: expect.any(String) });
    });

    it('rejects an unknown sort field and an unknown filter', async () => {
      await sut.http().get('/api/v1/users?sort=passwordHash').set(bearer(adminToken)).expect(422);
      await sut.http().get('/api/v1/users?role=root').set(bearer(adminToken)).expect(422);
      await sut.http().get('/api/v1/users?isActive=maybe').set(bearer(adminToken)).expect(422);
    });
  });

  describe('PATCH /users/:id/role and DELETE /users/:id', () => {
    it('changes a role, and the user’s next request already has the new permissions', async () => {
      const user = await registerUser(sut);
      const token = await loginAs(sut, user);

      const changed = await sut
        .http()
        .patch(`/api/v1/users/${user.id}/role`)
        .set(bearer(adminToken))
        .send({ role: 'staff' })
        .expect(200);

      expect(changed.body.data).toMatchObject({ id: user.id, role: 'staff' });
      const permissions = await sut.http().get('/api/v1/users/me/permissions').set(bearer(token)).expect(200);
      expect(permissions.body.data.permissions).toContain('products:create');
    });

    it('rejects an unknown role with 422 and an unknown user with 404', async () => {
      await sut
        .http()
        .patch(`/api/v1/users/${customer.id}/role`)
        .set(bearer(adminToken))
        .send({ role: 'root' })
        .expect(422);
      await sut
        .http()
        .patch(`/api/v1/users/${randomUUID()}/role`)
        .set(bearer(adminToken))
        .send({ role: 'staff' })
        .expect(404);
    });

    it('refuses to deactivate yourself', async () => {
      const admin = await createUserWithRole(sut, Role.Admin);
      const token = await loginAs(sut, admin);

      const response = await sut.http().delete(`/api/v1/users/${admin.id}`).set(bearer(token)).expect(403);

      expect(response.body.error).toMatchObject({
        code: 'OPERATION_NOT_ALLOWED',
        details: { operation: 'deactivate_user', reason: 'self' },
      });
    });

    it('locks a deactivated user out at once: access token and API key', async () => {
      const user = await registerUser(sut);
      const token = await loginAs(sut, user);
      const key = await sut
        .http()
        .post('/api/v1/auth/api-keys')
        .set(bearer(token))
        .send({ name: 'ci', permissions: ['products:read', 'profile:read'] })
        .expect(201);
      await sut.http().get('/api/v1/users/me').set(bearer(token)).expect(200);
      await sut.http().get('/api/v1/users/me').set('X-API-Key', key.body.data.apiKey).expect(200);

      await sut.http().delete(`/api/v1/users/${user.id}`).set(bearer(adminToken)).expect(204);

      await sut.http().get('/api/v1/users/me').set(bearer(token)).expect(401);
      await sut.http().get('/api/v1/users/me').set('X-API-Key', key.body.data.apiKey).expect(401);
      const shown = await sut.http().get(`/api/v1/users/${user.id}`).set(bearer(adminToken)).expect(200);
      expect(shown.body.data.isActive).toBe(false);
      // Deactivating again changes nothing.
      await sut.http().delete(`/api/v1/users/${user.id}`).set(bearer(adminToken)).expect(204);
    });
  });

  describe('the last active admin', () => {
    let admins: Array<{ id: string; token: string }>;

    beforeEach(async () => {
      // Only the two admins of this case stay active admins.
      await sut.dataSource.query(`UPDATE users SET role = 'staff' WHERE role = 'admin'`);
      const created = [await createUserWithRole(sut, Role.Admin), await createUserWithRole(sut, Role.Admin)];
      admins = await Promise.all(created.map(async (admin) => ({ id: admin.id, token: await loginAs(sut, admin) })));
    });

    const activeAdmins = async () =>
      Number(
        (
          await sut.dataSource.query<Array<{ count: string }>>(
            `SELECT count(*) FROM users WHERE role = 'admin' AND is_active`,
          )
        )[0].count,
      );

    it('cannot step down, while an admin with a peer can', async () => {
      const [first, second] = admins;
      await sut
        .http()
        .patch(`/api/v1/users/${first.id}/role`)
        .set(bearer(first.token))
        .send({ role: 'staff' })
        .expect(200);

      const stepDown = await sut
        .http()
        .patch(`/api/v1/users/${second.id}/role`)
        .set(bearer(second.token))
        .send({ role: 'customer' })
        .expect(403);

      expect(stepDown.body.error).toMatchObject({
        code: 'OPERATION_NOT_ALLOWED',
        details: { operation: 'change_role', reason: 'last_admin' },
      });
      expect(await activeAdmins()).toBe(1);
    });

    it('keeps one admin when two admins step down at the same time', async () => {
      const responses = await Promise.all(
        admins.map((admin) =>
          sut.http().patch(`/api/v1/users/${admin.id}/role`).set(bearer(admin.token)).send({ role: 'staff' }),
        ),
      );

      expect(responses.map((response) => response.status).sort()).toEqual([200, 403]);
      expect(await activeAdmins()).toBe(1);
    });

    it('keeps one admin when two admins demote each other at the same time', async () => {
      const [first, second] = admins;

      const responses = await Promise.all([
        sut.http().patch(`/api/v1/users/${second.id}/role`).set(bearer(first.token)).send({ role: 'customer' }),
        sut.http().patch(`/api/v1/users/${first.id}/role`).set(bearer(second.token)).send({ role: 'customer' }),
      ]);

      expect(responses.map((response) => response.status).sort()).toEqual([200, 403]);
      expect(await activeAdmins()).toBe(1);
    });

    it('keeps one admin when two admins deactivate each other at the same time', async () => {
      const [first, second] = admins;

      const responses = await Promise.all([
        sut.http().delete(`/api/v1/users/${second.id}`).set(bearer(first.token)),
        sut.http().delete(`/api/v1/users/${first.id}`).set(bearer(second.token)),
      ]);

      const statuses = responses.map((response) => response.status).sort();
      expect(statuses[0]).toBe(204);
      // The other was deactivated first: refused at authentication (401), or under the lock (403).
      expect([401, 403]).toContain(statuses[1]);
      expect(await activeAdmins()).toBe(1);
    });
  });
});
