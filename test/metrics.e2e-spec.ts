import { createTestApp, type TestApp } from './support/test-app';
import { loginAs, registerUser } from './support/users';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** Every `name{labels} value` sample of a metric family in the exposition text. */
function samples(text: string, name: string): string[] {
  return text.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
}

describe('Prometheus metrics at /metrics', () => {
  let sut: TestApp;
  let text: string;

  beforeAll(async () => {
    sut = await createTestApp();
    const user = await registerUser(sut);
    const token = await loginAs(sut, user);
    await sut.http().get('/api/v1/users/me').set('Authorization', `Bearer ${token}`).expect(200);
    await sut.http().get(`/api/v1/no-such-route/${user.id}`).expect(404);
    await sut.http().post('/api/v1/auth/login').send({ email: 'nobody@example.com', password: 'x' }).expect(401);
    const response = await sut
      .http()
      .get('/metrics')
      .expect(200)
      .expect('content-type', /text\/plain/);
    text = response.text;
  });

  afterAll(async () => {
    await sut.close();
  });

  it('counts requests by method, route template and status', () => {
    expect(samples(text, 'http_requests_total')).toEqual(
      expect.arrayContaining([
        expect.stringContaining('method="GET",route="/api/v1/users/me",status="200"'),
        expect.stringContaining('method="GET",route="unmatched",status="404"'),
        expect.stringContaining('method="POST",route="/api/v1/auth/login",status="401"'),
      ]),
    );
    expect(samples(text, 'http_request_duration_seconds_bucket').length).toBeGreaterThan(0);
    expect(samples(text, 'http_requests_in_progress').length).toBeGreaterThan(0);
  });

  it('counts error responses by their stable code', () => {
    expect(samples(text, 'http_errors_total')).toEqual(
      expect.arrayContaining([
        expect.stringContaining('route="/api/v1/auth/login",code="AUTHENTICATION_ERROR"'),
        expect.stringContaining('route="unmatched",code="RESOURCE_NOT_FOUND"'),
      ]),
    );
  });

  it('measures database queries by operation', () => {
    expect(samples(text, 'db_query_duration_seconds_count')).toEqual(
      expect.arrayContaining([
        expect.stringContaining('operation="SELECT"'),
        expect.stringContaining('operation="INSERT"'),
      ]),
    );
  });

  it('counts registrations and sign-ins by result', () => {
    expect(samples(text, 'user_registrations_total')).toEqual([expect.stringContaining('result="created"')]);
    expect(samples(text, 'auth_logins_total')).toEqual(
      expect.arrayContaining([
        expect.stringContaining('result="success"'),
        expect.stringContaining('result="failure"'),
      ]),
    );
  });

  it('reports the outbox backlog and the age of its oldest event at scrape time', async () => {
    // Leased far ahead, so no dispatcher takes it while the test looks at it.
    await sut.dataSource.query(
      `INSERT INTO outbox_events (id, name, payload, context, occurred_at, claimed_until)
       VALUES (gen_random_uuid(), 'test.stuck', '{}', '{}', now() - interval '90 seconds', now() + interval '1 hour')`,
    );

    const scrape = (await sut.http().get('/metrics').expect(200)).text;

    const value = (name: string) => Number(samples(scrape, name)[0]?.split(' ')[1]);
    expect(value('outbox_pending_events')).toBeGreaterThanOrEqual(1);
    expect(value('outbox_oldest_pending_age_seconds')).toBeGreaterThanOrEqual(89);
    await sut.dataSource.query(`DELETE FROM outbox_events WHERE name = 'test.stuck'`);
  });

  it('exports the Node process metrics', () => {
    expect(samples(text, 'process_cpu_user_seconds_total')).toHaveLength(1);
    expect(samples(text, 'nodejs_eventloop_lag_seconds')).toHaveLength(1);
  });

  it('never puts an id or a raw path in a label', () => {
    const labelled = text.split('\n').filter((line) => line.includes('{'));
    expect(labelled.filter((line) => UUID.test(line))).toEqual([]);
    expect(labelled.filter((line) => line.includes('/no-such-route'))).toEqual([]);
  });
});

describe('/metrics with METRICS_BEARER_TOKEN set', () => {
  const token = 'scrape-token-0123456789';
  let sut: TestApp;

  beforeAll(async () => {
    sut = await createTestApp({ env: { METRICS_BEARER_TOKEN: token } });
  });

  afterAll(async () => {
    await sut.close();
  });

  it('answers the scraper that presents the token', async () => {
    const response = await sut.http().get('/metrics').set('Authorization', `Bearer ${token}`).expect(200);
    expect(response.text).toContain('http_requests_total');
  });

  it.each([
    ['no credentials', undefined],
    ['a wrong token', 'Bearer scrape-token-0123456780'],
    ['a prefix of the token', 'Bearer scrape-token'],
    ['another scheme', `Basic ${token}`],
  ])('refuses %s with the error envelope', async (_case, authorization) => {
    const request = sut.http().get('/metrics');
    if (authorization) void request.set('Authorization', authorization);
    const response = await request.expect(401);
    expect(response.body).toMatchObject({ success: false, error: { code: 'AUTHENTICATION_ERROR' } });
  });
});
