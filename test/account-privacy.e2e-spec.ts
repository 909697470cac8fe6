import { Role } from '../src/common/access/roles';
import { createTestApp, type TestApp } from './support/test-app';
import { bearer, createUserWithRole, loginAs, registerUser, STRONG_PASSWORD } from './support/users';

/** An anonymous caller learns nothing about who has an account, or about features it does not get. */
describe('Nothing about accounts or unreleased features leaks to anonymous callers', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await createTestApp();
  });

  afterAll(async () => {
    await sut.close();
  });

  const register = (body: Record<string, string>) => sut.http().post('/api/v1/auth/register').send(body);
  const outboxFor = (email: string) =>
    sut.dataSource.query<Array<{ name: string; payload: Record<string, string> }>>(
      `SELECT name, payload FROM outbox_events WHERE payload->>'email' = $1 ORDER BY occurred_at`,
      [email],
    );

  it('answers a taken email, a taken username and a new account the same way', async () => {
    const existing = await registerUser(sut);
    const fresh = `fresh-${Date.now()}@example.com`;

    const answers = await Promise.all([
      register({ email: existing.email.toUpperCase(), username: `other_${Date.now()}`, password: 'Another-Pass-9' }),
      register({ email: `n1-${fresh}`, username: existing.username, password: 'Another-Pass-9' }),
      register({ email: fresh, username: `new_${Date.now()}`, password: STRONG_PASSWORD }),
    ]);

    const shape = (response: (typeof answers)[number]) => ({
      status: response.status,
      keys: Object.keys(response.body.data as object).sort(),
      status_field: (response.body.data as { status: string }).status,
    });
    expect(answers.map(shape)).toEqual(
      Array(3).fill({ status: 202, keys: ['email', 'status'], status_field: 'accepted' }),
    );
    expect(answers.map((response) => response.body.data.email)).toEqual([existing.email, `n1-${fresh}`, fresh]);
  });

  it('creates nothing for a taken identifier and tells the address’s owner out of band instead', async () => {
    const existing = await registerUser(sut);
    const newcomer = `newcomer-${Date.now()}@example.com`;

    await register({ email: existing.email, username: `x_${Date.now()}`, password: 'Another-Pass-9' }).expect(202);
    await register({ email: newcomer, username: existing.username, password: 'Another-Pass-9' }).expect(202);

    expect(await outboxFor(existing.email)).toEqual(
      expect.arrayContaining([
        { name: 'user.registered', payload: { userId: existing.id, email: existing.email } },
        { name: 'user.registration_refused', payload: { email: existing.email, reason: 'email_taken' } },
      ]),
    );
    expect(await outboxFor(newcomer)).toEqual([
      { name: 'user.registration_refused', payload: { email: newcomer, reason: 'username_taken' } },
    ]);
    await sut.http().post('/api/v1/auth/login').send({ email: existing.email, password: 'Another-Pass-9' }).expect(401);
    await sut.http().post('/api/v1/auth/login').send({ email: newcomer, password: 'Another-Pass-9' }).expect(401);
  });

  it('lists to anonymous callers only the flags they get', async () => {
    const adminToken = await loginAs(sut, await createUserWithRole(sut, Role.Admin));
    const stamp = Date.now().toString(36);
    const flags = {
      everyone: [`on.${stamp}`, { enabled: true, percentage: 100 }],
      pilot: [`pilot.${stamp}`, { enabled: true, percentage: 0, userIds: [] }],
      partial: [`partial.${stamp}`, { enabled: true, percentage: 50 }],
      off: [`off.${stamp}`, { enabled: false, percentage: 100 }],
    } as const;
    for (const [key, body] of Object.values(flags)) {
      await sut.http().put(`/api/v1/admin/feature-flags/${key}`).set(bearer(adminToken)).send(body).expect(201);
    }

    const anonymous = (await sut.http().get('/api/v1/features').expect(200)).body.data as Record<string, boolean>;
    const signedIn = (await sut.http().get('/api/v1/features').set(bearer(adminToken)).expect(200)).body.data as Record<
      string,
      boolean
    >;

    expect(anonymous[flags.everyone[0]]).toBe(true);
    for (const hidden of [flags.pilot[0], flags.partial[0], flags.off[0]])
      expect(Object.keys(anonymous)).not.toContain(hidden);
    expect(Object.values(anonymous).every(Boolean)).toBe(true);
    expect(signedIn[flags.off[0]]).toBe(false);
    expect(signedIn[flags.pilot[0]]).toBe(false);
  });
});
