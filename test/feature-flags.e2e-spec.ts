import { randomBytes, randomUUID } from 'node:crypto';

import { Role } from '../src/common/access/roles';
import { metricValue } from './support/metrics';
import { type Actor, actorWithRole, createProduct } from './support/products';
import { createTestApp, type TestApp } from './support/test-app';

const ADMIN_FLAGS = '/api/v1/admin/feature-flags';
const FEATURES = '/api/v1/features';
const SEARCH_DESCRIPTIONS = 'products.search-descriptions';

interface AuditRow {
  actor_id: string | null;
  action: string;
  resource_type: string;
  resource_id: string | null;
  details: { before: Record<string, unknown> | null; after: Record<string, unknown> };
}

const uniqueKey = (prefix = 'flag') => `${prefix}.${randomBytes(4).toString('hex')}`;

describe('Feature flags', () => {
  let sut: TestApp;
  let admin: Actor;
  let staff: Actor;
  let customer: Actor;
  let otherCustomer: Actor;

  beforeAll(async () => {
    sut = await createTestApp();
    [admin, staff, customer, otherCustomer] = await Promise.all([
      actorWithRole(sut, Role.Admin),
      actorWithRole(sut, Role.Staff),
      actorWithRole(sut, Role.Customer),
      actorWithRole(sut, Role.Customer),
    ]);
  });

  afterAll(async () => {
    await sut.close();
  });

  const put = (key: string, body: unknown, actor: Actor = admin) =>
    sut
      .http()
      .put(`${ADMIN_FLAGS}/${key}`)
      .auth(actor.token, { type: 'bearer' })
      .send(body as object);

  const featuresOf = async (actor?: Actor): Promise<Record<string, boolean>> => {
    const request = sut.http().get(FEATURES);
    if (actor) void request.auth(actor.token, { type: 'bearer' });
    const response = await request.expect(200);
    expect(response.body.success).toBe(true);
    return response.body.data as Record<string, boolean>;
  };

  const auditRowsFor = (key: string) =>
    sut.dataSource.query<AuditRow[]>(
      `SELECT actor_id, action, resource_type, resource_id, details FROM audit_logs
       WHERE resource_type = 'feature_flag' AND resource_id = $1 ORDER BY created_at, id`,
      [key],
    );

  describe('permissions', () => {
    it('answers 401 to anonymous callers of the admin routes', async () => {
      await sut.http().get(ADMIN_FLAGS).expect(401);
      await sut.http().put(`${ADMIN_FLAGS}/${uniqueKey()}`).send({ enabled: true }).expect(401);
    });

    it.each([
      ['staff', () => staff],
      ['customer', () => customer],
    ])('answers 403 PERMISSION_DENIED to %s (no flags:manage) on every admin route', async (_role, actor) => {
      const key = uniqueKey();
      await put(key, { enabled: true }).expect(201);

      const responses = await Promise.all([
        sut.http().get(ADMIN_FLAGS).auth(actor().token, { type: 'bearer' }),
        sut.http().get(`${ADMIN_FLAGS}/${key}`).auth(actor().token, { type: 'bearer' }),
        put(key, { enabled: false }, actor()),
      ]);

      for (const response of responses) {
        expect(response.status).toBe(403);
        expect(response.body.error.code).toBe('PERMISSION_DENIED');
      }
      const stored = await sut.http().get(`${ADMIN_FLAGS}/${key}`).auth(admin.token, { type: 'bearer' }).expect(200);
      expect(stored.body.data.enabled).toBe(true);
    });

    it('answers 403 to an admin’s API key that was not given flags:manage', async () => {
      const created = await sut
        .http()
        .post('/api/v1/auth/api-keys')
        .auth(admin.token, { type: 'bearer' })
        .send({ name: 'no flags', permissions: ['audit:read'] })
        .expect(201);

      const response = await sut.http().get(ADMIN_FLAGS).set('X-API-Key', created.body.data.apiKey).expect(403);

      expect(response.body.error.code).toBe('PERMISSION_DENIED');
    });
  });

  describe('validation', () => {
    it.each([
      ['a key with upper-case letters', 'Checkout.New', { enabled: true }, ['path', 'key']],
      ['a key with a space', 'new%20flow', { enabled: true }, ['path', 'key']],
      ['a key longer than 64 characters', 'a'.repeat(65), { enabled: true }, ['path', 'key']],
      ['no enabled', 'ok.key', { percentage: 10 }, ['body', 'enabled']],
      ['a string for enabled', 'ok.key', { enabled: 'yes' }, ['body', 'enabled']],
      ['a percentage above 100', 'ok.key', { enabled: true, percentage: 101 }, ['body', 'percentage']],
      ['a negative percentage', 'ok.key', { enabled: true, percentage: -1 }, ['body', 'percentage']],
      ['a fractional percentage', 'ok.key', { enabled: true, percentage: 12.5 }, ['body', 'percentage']],
      ['a user id that is not a UUID', 'ok.key', { enabled: true, userIds: ['bob'] }, ['body', 'userIds']],
      [
        'a repeated user id (in any case)',
        'ok.key',
        { enabled: true, userIds: ['0b6f1c52-6a4e-4c59-9d0e-1f6a2b3c4d5e', '0B6F1C52-6A4E-4C59-9D0E-1F6A2B3C4D5E'] },
        ['body', 'userIds'],
      ],
      [
        'more than 1000 user ids',
        'ok.key',
        { enabled: true, userIds: Array.from({ length: 1001 }, () => randomUUID()) },
        ['body', 'userIds'],
      ],
      [
        'a description over 500 characters',
        'ok.key',
        { enabled: true, description: 'x'.repeat(501) },
        ['body', 'description'],
      ],
      ['an unknown property', 'ok.key', { enabled: true, rollout: 5 }, ['body', 'rollout']],
    ])('answers 422 VALIDATION_ERROR to %s, naming the field, and stores nothing', async (_case, key, body, loc) => {
      const response = await put(key, body).expect(422);

      expect(response.body.success).toBe(false);
      expect(response.body.error.code).toBe('VALIDATION_ERROR');
      expect(response.body.error.details.errors[0].loc).toEqual(loc);
      expect(await auditRowsFor(key)).toEqual([]);
    });

    it('answers 422 to a malformed key on GET and 404 RESOURCE_NOT_FOUND to an unknown one', async () => {
      await sut.http().get(`${ADMIN_FLAGS}/NOPE`).auth(admin.token, { type: 'bearer' }).expect(422);
      const missing = await sut
        .http()
        .get(`${ADMIN_FLAGS}/${uniqueKey('missing')}`)
        .auth(admin.token, { type: 'bearer' })
        .expect(404);
      expect(missing.body.error.code).toBe('RESOURCE_NOT_FOUND');
    });
  });

  describe('upsert and audit', () => {
    it('creates a flag (201) with defaults, and audits it with no before', async () => {
      const key = uniqueKey('checkout');

      const response = await put(key, { enabled: true }).expect(201);

      expect(response.body).toEqual({
        success: true,
        data: {
          key,
          description: null,
          enabled: true,
          percentage: 100,
          userIds: [],
          createdAt: expect.any(String),
          updatedAt: expect.any(String),
        },
      });
      expect(await auditRowsFor(key)).toEqual([
        {
          actor_id: admin.id,
          action: 'feature_flag.created',
          resource_type: 'feature_flag',
          resource_id: key,
          details: { before: null, after: { description: null, enabled: true, percentage: 100, userIds: [] } },
        },
      ]);
    });

    it('replaces the settings (200), audits before and after, and audits nothing for a change to nothing', async () => {
      const key = uniqueKey('checkout');
      await put(key, { enabled: false, description: 'New checkout' }).expect(201);
      const userIds = [customer.id.toUpperCase()];

      const updated = await put(key, { enabled: true, description: ' New checkout ', percentage: 25, userIds }).expect(
        200,
      );
      await put(key, { enabled: true, description: 'New checkout', percentage: 25, userIds }).expect(200);

      expect(updated.body.data).toMatchObject({ key, enabled: true, percentage: 25, userIds: [customer.id] });
      const rows = await auditRowsFor(key);
      expect(rows.map((row) => row.action)).toEqual(['feature_flag.created', 'feature_flag.updated']);
      expect(rows[1].details).toEqual({
        before: { description: 'New checkout', enabled: false, percentage: 100, userIds: [] },
        after: { description: 'New checkout', enabled: true, percentage: 25, userIds: [customer.id] },
      });
      const read = await sut.http().get(`${ADMIN_FLAGS}/${key}`).auth(admin.token, { type: 'bearer' }).expect(200);
      expect(read.body.data).toEqual(updated.body.data);
    });

    it('applies concurrent creations of one key one after the other', async () => {
      const key = uniqueKey('race');

      const responses = await Promise.all(
        [10, 20, 30, 40].map((percentage) => put(key, { enabled: true, percentage })),
      );

      expect(responses.map((response) => response.status).sort()).toEqual([200, 200, 200, 201]);
      // Each change saw the one before it: following before → after from the creation visits every entry.
      const rows = await auditRowsFor(key);
      const chain = [rows.find((row) => row.details.before === null)];
      while (chain.length < rows.length) {
        const previous = chain.at(-1)?.details.after;
        const next = rows.find((row) => JSON.stringify(row.details.before) === JSON.stringify(previous));
        if (!next) break;
        chain.push(next);
      }
      expect(rows).toHaveLength(4);
      expect(chain).toHaveLength(4);
      expect(chain[0]?.action).toBe('feature_flag.created');
    });

    it('lists every flag by key', async () => {
      const keys = [uniqueKey('list'), uniqueKey('list')];
      await Promise.all(keys.map((key) => put(key, { enabled: false }).expect(201)));

      const response = await sut.http().get(ADMIN_FLAGS).auth(admin.token, { type: 'bearer' }).expect(200);

      const listed = (response.body.data as Array<{ key: string }>).map((flag) => flag.key);
      expect(listed).toEqual(expect.arrayContaining(keys));
      expect(listed).toEqual([...listed].sort());
    });
  });

  describe('GET /features', () => {
    it('evaluates every flag for the caller, and reflects each change at once', async () => {
      const key = uniqueKey('pilot');

      await put(key, { enabled: true, percentage: 0, userIds: [customer.id] }).expect(201);
      expect((await featuresOf(customer))[key]).toBe(true);
      expect((await featuresOf(otherCustomer))[key]).toBe(false);
      expect(Object.keys(await featuresOf())).not.toContain(key);

      await put(key, { enabled: true, percentage: 100 }).expect(200);
      expect((await featuresOf(customer))[key]).toBe(true);
      expect((await featuresOf(otherCustomer))[key]).toBe(true);
      expect((await featuresOf())[key]).toBe(true);

      await put(key, { enabled: false, percentage: 100, userIds: [customer.id] }).expect(200);
      expect((await featuresOf(customer))[key]).toBe(false);
      expect(Object.keys(await featuresOf())).not.toContain(key);
    });

    it('gives each user the same answer on every request for a partial rollout', async () => {
      const key = uniqueKey('partial');
      await put(key, { enabled: true, percentage: 50 }).expect(201);

      const answers = await Promise.all(Array.from({ length: 5 }, () => featuresOf(otherCustomer)));

      expect(new Set(answers.map((features) => features[key])).size).toBe(1);
      expect(Object.keys(await featuresOf())).not.toContain(key);
    });

    it('counts evaluations by flag and result, never by user', async () => {
      const key = uniqueKey('counted');
      await put(key, { enabled: true, percentage: 0, userIds: [customer.id] }).expect(201);

      await featuresOf(customer);
      await featuresOf(otherCustomer);
      await featuresOf(otherCustomer);

      expect(await metricValue(sut.app, 'feature_flag_evaluations_total', { flag: key, result: 'on' })).toBe(1);
      expect(await metricValue(sut.app, 'feature_flag_evaluations_total', { flag: key, result: 'off' })).toBe(2);
      const exposition = await sut.http().get('/metrics').expect(200);
      expect(exposition.text).not.toContain(customer.id);
    });
  });

  it('documents the routes in the OpenAPI document, with their statuses', async () => {
    const { paths } = (await sut.http().get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };

    // Each route's own statuses; every route also declares the pipeline's (400, 429, 500, 503, ...).
    const statuses = (path: string, method: string): string[] => Object.keys(paths[path][method].responses);
    expect(statuses(FEATURES, 'get')).toEqual(expect.arrayContaining(['200', '429', '503']));
    expect(statuses(FEATURES, 'get')).not.toContain('401');
    expect(statuses(ADMIN_FLAGS, 'get')).toEqual(expect.arrayContaining(['200', '401', '403']));
    expect(statuses(`${ADMIN_FLAGS}/{key}`, 'get')).toEqual(
      expect.arrayContaining(['200', '401', '403', '404', '422']),
    );
    expect(statuses(`${ADMIN_FLAGS}/{key}`, 'put')).toEqual(
      expect.arrayContaining(['200', '201', '401', '403', '422']),
    );
  });

  describe(`flag ${SEARCH_DESCRIPTIONS} in GET /products?q=`, () => {
    const word = `zephyr${randomBytes(3).toString('hex')}`;
    let inDescription: { id: string };
    let inName: { id: string };

    beforeAll(async () => {
      inDescription = await createProduct(sut, staff, { name: 'Plain mug', description: `A ${word} blue glaze` });
      inName = await createProduct(sut, staff, { name: `The ${word} kettle` });
    });

    const search = async (actor?: Actor): Promise<string[]> => {
      const request = sut.http().get('/api/v1/products').query({ q: word.toUpperCase() });
      if (actor) void request.auth(actor.token, { type: 'bearer' });
      const response = await request.expect(200);
      return (response.body.data as Array<{ id: string }>).map((product) => product.id).sort();
    };

    it('off (no flag stored): matches names and skus only', async () => {
      expect(await search(customer)).toEqual([inName.id]);
      expect(await search()).toEqual([inName.id]);
    });

    it('on for one user: that user’s search also matches descriptions, everyone else’s does not', async () => {
      await put(SEARCH_DESCRIPTIONS, { enabled: true, percentage: 0, userIds: [customer.id] }).expect(201);

      expect(await search(customer)).toEqual([inDescription.id, inName.id].sort());
      expect(await search(otherCustomer)).toEqual([inName.id]);
      expect(await search()).toEqual([inName.id]);
    });

    it('on for everyone: anonymous searches match descriptions too', async () => {
      await put(SEARCH_DESCRIPTIONS, { enabled: true, percentage: 100 }).expect(200);

      expect(await search()).toEqual([inDescription.id, inName.id].sort());
      expect(await search(otherCustomer)).toEqual([inDescription.id, inName.id].sort());
    });

    it('switched off again: back to names and skus at once, cached pages included', async () => {
      await put(SEARCH_DESCRIPTIONS, { enabled: false, percentage: 100 }).expect(200);

      expect(await search()).toEqual([inName.id]);
      expect(await search(customer)).toEqual([inName.id]);
    });
  });
});
