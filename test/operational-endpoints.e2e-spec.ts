import { randomBytes } from 'node:crypto';

import { createTestApp, type TestApp } from './support/test-app';

const METRICS_TOKEN = randomBytes(24).toString('base64url');
const DOCS_TOKEN = randomBytes(24).toString('base64url');

const productionEnv = (extra: Record<string, string>) => ({
  NODE_ENV: 'production',
  JWT_SECRET: randomBytes(48).toString('base64'),
  FIELD_ENCRYPTION_KEYS: `p1:${randomBytes(32).toString('base64')}`,
  STRIPE_SECRET_KEY: 'sk_test_operationalendpoints',
  ...extra,
});

/** In production the route map and the metrics are not for whoever asks. */
describe('/metrics and /docs in production', () => {
  describe('without a docs token', () => {
    let sut: TestApp;

    beforeAll(async () => {
      sut = await createTestApp({ env: productionEnv({ METRICS_BEARER_TOKEN: METRICS_TOKEN }) });
    });

    afterAll(async () => {
      await sut.close();
    });

    it('serves no OpenAPI document and no Swagger UI', async () => {
      await sut.http().get('/docs-json').expect(404);
      await sut.http().get('/docs').expect(404);
    });

    it('serves /metrics only with the configured token', async () => {
      const refused = await sut.http().get('/metrics').expect(401);
      expect(refused.body.error.code).toBe('AUTHENTICATION_ERROR');
      await sut.http().get('/metrics').set('Authorization', 'Bearer wrong-token-0123456789').expect(401);
      const scraped = await sut.http().get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
      expect(scraped.text).toContain('http_requests_total');
    });
  });

  describe('with a docs token', () => {
    let sut: TestApp;

    beforeAll(async () => {
      sut = await createTestApp({ env: productionEnv({ METRICS_PUBLIC: 'true', DOCS_BEARER_TOKEN: DOCS_TOKEN }) });
    });

    afterAll(async () => {
      await sut.close();
    });

    it('serves the docs only with the token', async () => {
      for (const path of ['/docs-json', '/docs', '/docs/']) {
        const refused = await sut.http().get(path).expect(401);
        expect(refused.body.error.code).toBe('AUTHENTICATION_ERROR');
      }
      const document = await sut.http().get('/docs-json').set('Authorization', `Bearer ${DOCS_TOKEN}`).expect(200);
      expect(document.body.openapi).toMatch(/^3\./);
    });

    it('serves /metrics open when METRICS_PUBLIC=true says so', async () => {
      await sut.http().get('/metrics').expect(200);
    });
  });
});
