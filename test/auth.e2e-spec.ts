import { createTestApp, type TestApp } from './support/test-app';
import { loginAs, registerUser, STRONG_PASSWORD } from './support/users';

describe('Registration, login and the caller’s profile', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await createTestApp();
  });

  afterAll(async () => {
    await sut.close();
  });

  it('registers a customer, logs in and reads /users/me', async () => {
    const registered = await sut
      .http()
      .post('/api/v1/auth/register')
      .send({ email: '  Ada@Example.COM ', username: 'ada', password: STRONG_PASSWORD, fullName: 'Ada Lovelace' })
      .expect(202);
    expect(registered.body.data).toEqual({ status: 'accepted', email: 'ada@example.com' });

    const login = await sut
      .http()
      .post('/api/v1/auth/login')
      .send({ email: 'ADA@example.com', password: STRONG_PASSWORD })
      .expect(200);
    expect(login.body.data).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      tokenType: 'Bearer',
      expiresIn: 900,
    });

    const me = await sut
      .http()
      .get('/api/v1/users/me')
      .set('Authorization', `Bearer ${login.body.data.accessToken}`)
      .expect(200);
    expect(me.body).toEqual({
      success: true,
      data: expect.objectContaining({
        id: expect.any(String),
        email: 'ada@example.com',
        username: 'ada',
        role: 'customer',
        fullName: 'Ada Lovelace',
      }),
    });
    expect(me.body.data).not.toHaveProperty('passwordHash');
  });

  it('gives the same answer for an unknown email and a wrong password', async () => {
    const user = await registerUser(sut);

    const unknown = await sut
      .http()
      .post('/api/v1/auth/login')
      .send({ email: 'nobody@example.com', password: STRONG_PASSWORD })
      .expect(401);
    const wrong = await sut
      .http()
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: 'Wrong-Pass-123' })
      .expect(401);

    expect(unknown.body.error).toEqual(wrong.body.error);
  });

  it('takes about as long for an unknown email as for a wrong password', async () => {
    const user = await registerUser(sut);
    const attempt = async (email: string) => {
      const started = performance.now();
      await sut.http().post('/api/v1/auth/login').send({ email, password: 'Wrong-Pass-123' }).expect(401);
      return performance.now() - started;
    };
    const unknown: number[] = [];
    const wrong: number[] = [];
    // Interleaved, so load on the machine affects both series alike; medians ignore outliers.
    for (let i = 0; i < 8; i += 1) {
      unknown.push(await attempt(`nobody-${i}@example.com`));
      wrong.push(await attempt(user.email));
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

    // Without the decoy hash an unknown email answers in ~1 ms against tens of ms for argon2.
    const ratio = median(unknown) / median(wrong);
    process.stdout.write(
      `login timing: unknown email ${median(unknown).toFixed(1)} ms, wrong password ${median(wrong).toFixed(1)} ms (medians)\n`,
    );
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });

  it('stores only an argon2id hash of the password', async () => {
    const user = await registerUser(sut);

    const [row] = await sut.dataSource.query<Array<{ password_hash: string }>>(
      'SELECT password_hash FROM users WHERE id = $1',
      [user.id],
    );

    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(row.password_hash).not.toContain(user.password);
  });

  it('updates the profile, and changes the password only with the current one', async () => {
    const user = await registerUser(sut);
    const token = await loginAs(sut, user);
    const auth = { Authorization: `Bearer ${token}` };

    const profile = await sut
      .http()
      .patch('/api/v1/users/me')
      .set(auth)
      .send({ fullName: 'New Name', phone: '+14155550123' })
      .expect(200);
    expect(profile.body.data).toEqual(expect.objectContaining({ fullName: 'New Name', phone: '+14155550123' }));

    const missingCurrent = await sut
      .http()
      .patch('/api/v1/users/me')
      .set(auth)
      .send({ password: 'Brand-New-Pass-1' })
      .expect(422);
    expect(missingCurrent.body.error.details.errors[0].loc).toEqual(['body', 'currentPassword']);

    const wrongCurrent = await sut
      .http()
      .patch('/api/v1/users/me')
      .set(auth)
      .send({ password: 'Brand-New-Pass-1', currentPassword: 'Not-The-Pass-1' })
      .expect(422);
    expect(wrongCurrent.body.error.details.errors[0].loc).toEqual(['body', 'currentPassword']);

    await sut
      .http()
      .patch('/api/v1/users/me')
      .set(auth)
      .send({ password: 'Brand-New-Pass-1', currentPassword: user.password })
      .expect(200);
    await sut.http().post('/api/v1/auth/login').send({ email: user.email, password: user.password }).expect(401);
    await loginAs(sut, { email: user.email, password: 'Brand-New-Pass-1' });
  });

  it('refuses a new password that breaks the policy or equals the username', async () => {
    const user = await registerUser(sut, { username: 'Policy_Person' });
    const token = await loginAs(sut, user);

    const response = await sut
      .http()
      .patch('/api/v1/users/me')
      .set('Authorization', `Bearer ${token}`)
      .send({ password: 'policy_person', currentPassword: user.password })
      .expect(422);

    expect(response.body.error.details.errors[0].loc).toEqual(['body', 'password']);
  });

  it.each([
    ['no token', undefined],
    ['a garbage token', 'Bearer not-a-jwt'],
    ['a token of another scheme', 'Basic YWxhZGRpbjpvcGVuc2VzYW1l'],
    ['a tampered token', 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl'],
  ])('answers %s with 401', async (_case, header) => {
    const request = sut.http().get('/api/v1/users/me');
    if (header) request.set('Authorization', header);

    const response = await request.expect(401);

    expect(response.body.error.code).toBe('AUTHENTICATION_ERROR');
  });
});
