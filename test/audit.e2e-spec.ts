import { Role } from '../src/common/access/roles';
import { createTestApp, type TestApp } from './support/test-app';
import { bearer, createUserWithRole, loginAs, loginPair, registerUser } from './support/users';

interface AuditRow {
  actor_id: string | null;
  action: string;
  resource_type: string;
  resource_id: string | null;
  details: Record<string, unknown>;
  request_id: string | null;
  ip: string | null;
}

describe('Audit log', () => {
  let sut: TestApp;
  let admin: { id: string; token: string };

  beforeAll(async () => {
    sut = await createTestApp();
    const created = await createUserWithRole(sut, Role.Admin);
    admin = { id: created.id, token: await loginAs(sut, created) };
  });

  afterAll(async () => {
    await sut.close();
  });

  const rowsFor = (action: string, resourceId: string | null) =>
    sut.dataSource.query<AuditRow[]>(
      `SELECT actor_id, action, resource_type, resource_id, details, request_id, ip FROM audit_logs
       WHERE action = $1 AND resource_id IS NOT DISTINCT FROM $2`,
      [action, resourceId],
    );

  describe('every audited action leaves exactly one row', () => {
    it('a role change, with the actor, the change, the request id and the client IP', async () => {
      const user = await registerUser(sut);

      const response = await sut
        .http()
        .patch(`/api/v1/users/${user.id}/role`)
        .set(bearer(admin.token))
        .set('X-Request-ID', 'audit-role-change-1')
        .send({ role: 'staff' })
        .expect(200);

      expect(response.headers['x-request-id']).toBe('audit-role-change-1');
      expect(await rowsFor('user.role_changed', user.id)).toEqual([
        {
          actor_id: admin.id,
          action: 'user.role_changed',
          resource_type: 'user',
          resource_id: user.id,
          details: { from: 'customer', to: 'staff' },
          request_id: 'audit-role-change-1',
          ip: expect.stringMatching(/127\.0\.0\.1|::1/),
        },
      ]);
    });

    it('a deactivation (and nothing for deactivating again)', async () => {
      const user = await registerUser(sut);

      await sut.http().delete(`/api/v1/users/${user.id}`).set(bearer(admin.token)).expect(204);
      await sut.http().delete(`/api/v1/users/${user.id}`).set(bearer(admin.token)).expect(204);

      expect(await rowsFor('user.deactivated', user.id)).toEqual([
        expect.objectContaining({ actor_id: admin.id, resource_type: 'user', details: { role: 'customer' } }),
      ]);
    });

    it('an API key creation and its revocation, never the secret', async () => {
      const created = await sut
        .http()
        .post('/api/v1/auth/api-keys')
        .set(bearer(admin.token))
        .send({ name: 'audited', permissions: ['audit:read'] })
        .expect(201);
      const { id, apiKey } = created.body.data as { id: string; apiKey: string };
      await sut.http().delete(`/api/v1/auth/api-keys/${id}`).set(bearer(admin.token)).expect(204);

      const creation = await rowsFor('api_key.created', id);
      expect(creation).toEqual([
        expect.objectContaining({
          actor_id: admin.id,
          resource_type: 'api_key',
          details: { name: 'audited', permissions: ['audit:read'], expiresAt: null, mintedById: null },
        }),
      ]);
      expect(JSON.stringify(creation)).not.toContain(apiKey.split('.')[1]);
      expect(await rowsFor('api_key.revoked', id)).toEqual([expect.objectContaining({ actor_id: admin.id })]);
    });

    it('a password change, never the password', async () => {
      const user = await registerUser(sut);
      const token = await loginAs(sut, user);

      await sut
        .http()
        .patch('/api/v1/users/me')
        .set(bearer(token))
        .send({ password: 'Audited-Pass-99', currentPassword: user.password })
        .expect(200);

      const rows = await rowsFor('user.password_changed', user.id);
      expect(rows).toEqual([expect.objectContaining({ actor_id: user.id, resource_type: 'user', details: {} })]);
      expect(JSON.stringify(rows)).not.toContain('Audited-Pass-99');
    });

    it('a successful login and failed ones (unknown email, wrong password), never the password', async () => {
      const user = await registerUser(sut);

      await loginPair(sut, user);
      await sut.http().post('/api/v1/auth/login').send({ email: user.email, password: 'Wrong-Guess-123' }).expect(401);
      await sut
        .http()
        .post('/api/v1/auth/login')
        .set('X-Request-ID', 'audit-unknown-login-1')
        .send({ email: 'nobody-here@example.com', password: 'Wrong-Guess-456' })
        .expect(401);

      expect(await rowsFor('auth.login_succeeded', user.id)).toEqual([
        expect.objectContaining({
          actor_id: user.id,
          resource_type: 'user',
          details: expect.objectContaining({ mode: 'token' }),
        }),
      ]);
      expect(await rowsFor('auth.login_failed', user.id)).toEqual([
        expect.objectContaining({ actor_id: null, details: { reason: 'wrong_password' } }),
      ]);
      const unknown = await sut.dataSource.query<AuditRow[]>(
        `SELECT actor_id, action, resource_id, details FROM audit_logs WHERE request_id = 'audit-unknown-login-1'`,
      );
      expect(unknown).toEqual([
        { actor_id: null, action: 'auth.login_failed', resource_id: null, details: { reason: 'unknown_account' } },
      ]);
      const all = await sut.dataSource.query<AuditRow[]>(`SELECT * FROM audit_logs`);
      expect(JSON.stringify(all)).not.toContain('Wrong-Guess');
    });
  });

  describe('no row when the change rolls back', () => {
    /** Makes the commit of a transaction that wrote a matching row fail (a deferred check, run at COMMIT). */
    async function failCommitsOn(table: string, condition: string): Promise<() => Promise<void>> {
      const name = `fail_commit_${table}`;
      await sut.dataSource.query(`
        CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'commit refused by test'; END $$`);
      await sut.dataSource.query(`
        CREATE CONSTRAINT TRIGGER ${name} AFTER INSERT OR UPDATE ON ${table}
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (${condition}) EXECUTE FUNCTION ${name}()`);
      return async () => {
        await sut.dataSource.query(`DROP TRIGGER ${name} ON ${table}`);
        await sut.dataSource.query(`DROP FUNCTION ${name}()`);
      };
    }

    it('a role change whose commit fails leaves neither the change nor its audit row', async () => {
      const user = await registerUser(sut);
      const restore = await failCommitsOn('users', `NEW.role = 'staff' AND NEW.username = '${user.username}'`);
      try {
        await sut
          .http()
          .patch(`/api/v1/users/${user.id}/role`)
          .set(bearer(admin.token))
          .send({ role: 'staff' })
          .expect(500);
      } finally {
        await restore();
      }

      expect(await rowsFor('user.role_changed', user.id)).toEqual([]);
      const [row] = await sut.dataSource.query<Array<{ role: string }>>(`SELECT role FROM users WHERE id = $1`, [
        user.id,
      ]);
      expect(row.role).toBe('customer');
    });

    it('an API key creation whose commit fails leaves neither the key nor its audit row', async () => {
      const restore = await failCommitsOn('api_keys', `NEW.name = 'doomed'`);
      try {
        await sut
          .http()
          .post('/api/v1/auth/api-keys')
          .set(bearer(admin.token))
          .send({ name: 'doomed', permissions: ['audit:read'] })
          .expect(500);
      } finally {
        await restore();
      }

      const keys = await sut.dataSource.query(`SELECT id FROM api_keys WHERE name = 'doomed'`);
      expect(keys).toEqual([]);
      const rows = await sut.dataSource.query(
        `SELECT id FROM audit_logs WHERE action = 'api_key.created' AND details->>'name' = 'doomed'`,
      );
      expect(rows).toEqual([]);
    });
  });

  describe('GET /admin/audit-logs', () => {
    it('pages newest first and filters by actor, action and resource', async () => {
      const user = await registerUser(sut);
      await sut.http().patch(`/api/v1/users/${user.id}/role`).set(bearer(admin.token)).send({ role: 'staff' });
      await sut.http().delete(`/api/v1/users/${user.id}`).set(bearer(admin.token)).expect(204);

      const byResource = await sut
        .http()
        .get(`/api/v1/admin/audit-logs?resourceType=user&resourceId=${user.id}&actorId=${admin.id}`)
        .set(bearer(admin.token))
        .expect(200);

      expect((byResource.body.data as Array<{ action: string }>).map((entry) => entry.action)).toEqual([
        'user.deactivated',
        'user.role_changed',
      ]);
      expect(byResource.body.meta).toMatchObject({ page: 1, total: 2, hasNext: false });
      expect(byResource.body.data[0]).toEqual({
        id: expect.any(String),
        actorId: admin.id,
        action: 'user.deactivated',
        resourceType: 'user',
        resourceId: user.id,
        details: { role: 'staff' },
        requestId: expect.any(String),
        ip: expect.any(String),
        createdAt: expect.any(String),
      });

      const byAction = await sut
        .http()
        .get('/api/v1/admin/audit-logs?action=user.role_changed&pageSize=1')
        .set(bearer(admin.token))
        .expect(200);
      expect(byAction.body.data).toHaveLength(1);
      expect(byAction.body.data[0].action).toBe('user.role_changed');
    });

    it('rejects unknown filters with 422', async () => {
      await sut.http().get('/api/v1/admin/audit-logs?action=user.hacked').set(bearer(admin.token)).expect(422);
      await sut.http().get('/api/v1/admin/audit-logs?actorId=me').set(bearer(admin.token)).expect(422);
    });
  });

  it('is append-only in the database itself', async () => {
    await sut.dataSource.query(
      `INSERT INTO audit_logs (action, resource_type, details) VALUES ('auth.login_failed', 'user', '{}')`,
    );

    await expect(sut.dataSource.query(`UPDATE audit_logs SET action = 'x'`)).rejects.toThrow(/append-only/);
    await expect(sut.dataSource.query(`DELETE FROM audit_logs`)).rejects.toThrow(/append-only/);
    await expect(sut.dataSource.query(`TRUNCATE audit_logs`)).rejects.toThrow(/append-only/);
  });
});
