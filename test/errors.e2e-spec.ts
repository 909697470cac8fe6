import { randomUUID } from 'node:crypto';

import { FailureProbeModule } from './support/fixtures/failure-probe.module';
import { createTestApp, type TestApp } from './support/test-app';

function expectErrorEnvelope(body: Record<string, unknown>, code: string): void {
  expect(body).toEqual({
    success: false,
    error: expect.objectContaining({ code, message: expect.any(String) }),
    requestId: expect.any(String),
  });
}

describe('Error envelope', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await createTestApp({ imports: [FailureProbeModule] });
  });

  afterAll(async () => {
    await sut.close();
  });

  it('answers an unknown route with 404 RESOURCE_NOT_FOUND', async () => {
    const response = await sut.http().get('/api/v1/no-such-thing').expect(404);

    expectErrorEnvelope(response.body, 'RESOURCE_NOT_FOUND');
    expect(response.body.requestId).toBe(response.headers['x-request-id']);
  });

  it('refuses an unknown query parameter on a route without a query DTO, as on routes with one', async () => {
    const withoutDto = await sut.http().get(`/api/v1/products/${randomUUID()}?limt=5`).expect(422);
    const withDto = await sut.http().get('/api/v1/products?limt=5').expect(422);

    for (const response of [withoutDto, withDto]) {
      expectErrorEnvelope(response.body, 'VALIDATION_ERROR');
      expect(response.body.error.details.errors).toEqual([
        expect.objectContaining({ loc: ['query', 'limt'], type: 'unknown_field' }),
      ]);
    }
    await sut.http().get(`/api/v1/products/${randomUUID()}`).expect(404);
  });

  it('answers malformed JSON with 400 BAD_REQUEST without echoing the body', async () => {
    const response = await sut
      .http()
      .post('/api/v1/auth/login')
      .set('Content-Type', 'application/json')
      .send('{"email": "secret-value", ')
      .expect(400);

    expectErrorEnvelope(response.body, 'BAD_REQUEST');
    expect(JSON.stringify(response.body)).not.toContain('secret-value');
  });

  it('answers a body of another content type with 400 BAD_REQUEST', async () => {
    const response = await sut
      .http()
      .post('/api/v1/auth/login')
      .set('Content-Type', 'text/plain')
      .send('hello')
      .expect(400);

    expectErrorEnvelope(response.body, 'BAD_REQUEST');
  });

  it('refuses prototype-polluting keys with 400', async () => {
    const response = await sut
      .http()
      .post('/api/v1/auth/login')
      .set('Content-Type', 'application/json')
      .send('{"email":"a@b.co","password":"x","__proto__":{"isAdmin":true}}')
      .expect(400);

    expectErrorEnvelope(response.body, 'BAD_REQUEST');
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('answers a body over the limit with 413 PAYLOAD_TOO_LARGE', async () => {
    const response = await sut
      .http()
      .post('/api/v1/auth/login')
      .send({ email: 'a@b.co', password: 'x'.repeat(200 * 1024) })
      .expect(413);

    expectErrorEnvelope(response.body, 'PAYLOAD_TOO_LARGE');
  });

  it('answers validation failures with 422 and located field errors', async () => {
    const response = await sut
      .http()
      .post('/api/v1/auth/register')
      .send({ email: 'not-an-email', username: 'ok_name', password: 'weak', role: 'admin' })
      .expect(422);

    expectErrorEnvelope(response.body, 'VALIDATION_ERROR');
    const errors = response.body.error.details.errors as Array<{ loc: string[]; type: string }>;
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ loc: ['body', 'email'] }),
        expect.objectContaining({ loc: ['body', 'password'], type: 'invalid.meetsPasswordPolicy' }),
        expect.objectContaining({ loc: ['body', 'role'], type: 'unknown_field' }),
      ]),
    );
  });

  it('answers a body that is not an object with 422', async () => {
    const response = await sut.http().post('/api/v1/auth/login').send([1, 2, 3]).expect(422);

    expect(response.body.error.details.errors).toEqual([
      { loc: ['body'], msg: 'must be a JSON object', type: 'invalid_type' },
    ]);
  });

  it.each(['/api/v1/failure-probe/bug', '/api/v1/failure-probe/bad-query'])(
    'answers an unexpected failure (%s) with 500 INTERNAL_ERROR and no internals',
    async (path) => {
      const response = await sut.http().get(path).expect(500);

      expect(response.body).toEqual({
        success: false,
        error: { code: 'INTERNAL_ERROR', message: 'An unexpected error occurred' },
        requestId: response.headers['x-request-id'],
      });
      expect(JSON.stringify(response.body)).not.toMatch(/SELECT|password_hash|table_that_does_not_exist|at /);
    },
  );

  it('sends WWW-Authenticate with 401', async () => {
    const response = await sut.http().get('/api/v1/users/me').expect(401);

    expectErrorEnvelope(response.body, 'AUTHENTICATION_ERROR');
    expect(response.headers['www-authenticate']).toBe('Bearer');
  });
});
