import { createTestApp, type TestApp } from './support/test-app';

describe('Health probes and API docs', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await createTestApp();
  });

  afterAll(async () => {
    await sut.close();
  });

  it('reports liveness outside the versioned API, without the envelope', async () => {
    const response = await sut.http().get('/health/live').expect(200);

    expect(response.body).toEqual({ status: 'ok' });
  });

  it('reports readiness with the database up and Redis reported', async () => {
    const response = await sut.http().get('/health/ready').expect(200);

    expect(response.body.status).toBe('ok');
    expect(response.body.details.database.status).toBe('up');
    expect(response.body.details.redis).toMatchObject({ status: 'up', configured: Boolean(process.env.REDIS_URL) });
  });

  it('serves the OpenAPI document generated from the code', async () => {
    const response = await sut.http().get('/docs-json').expect(200);

    expect(response.body.openapi).toMatch(/^3\./);
    expect(Object.keys(response.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/auth/register', '/api/v1/auth/login', '/api/v1/users/me', '/health/ready']),
    );
  });

  it('serves Swagger UI', async () => {
    await sut.http().get('/docs').redirects(1).expect(200).expect('content-type', /html/);
  });
});
