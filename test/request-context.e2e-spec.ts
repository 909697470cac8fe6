import { LogCapture } from './support/log-capture';
import { createTestApp, type TestApp } from './support/test-app';
import { loginAs, registerUser } from './support/users';

describe('Request id and request-scoped logging', () => {
  let sut: TestApp;
  const logs = new LogCapture();

  beforeAll(async () => {
    sut = await createTestApp({ logs });
  });

  afterAll(async () => {
    await sut.close();
  });

  it('echoes a sane client request id', async () => {
    const response = await sut.http().get('/health/live').set('X-Request-ID', 'client-req-12345').expect(200);

    expect(response.headers['x-request-id']).toBe('client-req-12345');
  });

  it.each(['short', 'has spaces in it ok', 'x'.repeat(200), 'bad<char>-123'])(
    'replaces an insane request id (%s)',
    async (candidate) => {
      const response = await sut.http().get('/health/live').set('X-Request-ID', candidate).expect(200);

      expect(response.headers['x-request-id']).not.toBe(candidate);
      expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    },
  );

  it('puts an id on every response, errors included', async () => {
    const response = await sut.http().get('/api/v1/nowhere').expect(404);

    expect(response.headers['x-request-id']).toBeDefined();
    expect(response.body.requestId).toBe(response.headers['x-request-id']);
  });

  it('logs each request once with its id, route template, status and user id', async () => {
    const user = await registerUser(sut);
    const token = await loginAs(sut, user);

    await sut
      .http()
      .get('/api/v1/users/me')
      .set('Authorization', `Bearer ${token}`)
      .set('X-Request-ID', 'trace-me-0001')
      .expect(200);

    const lines = logs.entries.filter((entry) => entry.requestId === 'trace-me-0001');
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'info',
        msg: 'GET /api/v1/users/me 200',
        route: '/api/v1/users/me',
        status: 200,
        userId: user.id,
        durationMs: expect.any(Number),
        time: expect.any(String),
      }),
    ]);
  });

  it('carries the request id and user id into log lines written by services', async () => {
    const user = await registerUser(sut);
    const token = await loginAs(sut, user);

    await sut
      .http()
      .patch('/api/v1/users/me')
      .set('Authorization', `Bearer ${token}`)
      .set('X-Request-ID', 'password-change-01')
      .send({ password: 'Changed-Pass-77', currentPassword: user.password })
      .expect(200);

    const serviceLine = logs.entries.find(
      (entry) => entry.requestId === 'password-change-01' && entry.msg === 'Password changed',
    );
    expect(serviceLine).toEqual(expect.objectContaining({ userId: user.id, context: 'UsersService' }));
  });

  it('never writes passwords or tokens to the log', async () => {
    const user = await registerUser(sut, { password: 'Very-Distinct-Secret-9' });
    const token = await loginAs(sut, user);
    await sut.http().get('/api/v1/users/me').set('Authorization', `Bearer ${token}`).expect(200);

    expect(logs.text).not.toContain('Very-Distinct-Secret-9');
    expect(logs.text).not.toContain(token);
  });
});
