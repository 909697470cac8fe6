import { randomUUID } from 'node:crypto';

import { buildOpenApiDocument } from '../src/bootstrap/openapi/document';
import { checkedAgent } from './support/contract/checked-agent';
import { ContractViolation } from './support/contract/contract-registry';
import { OpenApiContract } from './support/contract/openapi-contract';
import { createTestApp, type TestApp } from './support/test-app';

type Json = Record<string, unknown>;

/** The checker itself: a document that disagrees with the app must fail the exchange that shows it. */
describe('OpenAPI contract checker', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await createTestApp();
  });

  afterAll(async () => {
    await sut.close();
  });

  /** A supertest agent checked against the app's document after `edit` broke it. */
  async function agentWithBrokenDocument(edit: (document: Json) => void): Promise<ReturnType<TestApp['http']>> {
    const document = structuredClone(buildOpenApiDocument(sut.app)) as unknown as Json;
    edit(document);
    return checkedAgent(sut.app.getHttpServer(), await OpenApiContract.load(document));
  }

  const schemas = (document: Json): Record<string, Json> =>
    (document.components as { schemas: Record<string, Json> }).schemas;
  const operation = (document: Json, path: string, method: string): Json =>
    (document.paths as Record<string, Record<string, Json>>)[path][method];

  it('passes the same exchange against the true document', async () => {
    await sut.http().get('/api/v1/features').expect(200);
    await sut.http().get('/api/v1/products').query({ limit: 2 }).expect(200);
  });

  it('fails a body that a broken schema no longer describes (a required property the app never sends)', async () => {
    const agent = await agentWithBrokenDocument((document) => {
      const envelope = schemas(document).ErrorEnvelopeDto;
      envelope.required = [...((envelope.required as string[]) ?? []), 'colour'];
    });
    const error = await agent.get(`/api/v1/products/${randomUUID()}`).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(ContractViolation);
    expect(String(error)).toMatch(/ProductsController_detail.*body.*colour/s);
  });

  it('fails a status the operation does not declare', async () => {
    const agent = await agentWithBrokenDocument((document) => {
      delete (operation(document, '/api/v1/products/{id}', 'get').responses as Json)['422'];
    });
    await expect(agent.get('/api/v1/products/not-a-uuid')).rejects.toThrow(/status 422 is not declared/);
  });

  it('fails a request the app refuses but a loosened schema allows', async () => {
    const agent = await agentWithBrokenDocument((document) => {
      schemas(document).RegisterDto.additionalProperties = true;
    });
    await expect(
      agent
        .post('/api/v1/auth/register')
        .send({ email: 'x@example.com', username: 'xx_1', password: 'Correct-Horse-42', role: 'admin' }),
    ).rejects.toThrow(/the app refused .* a request the document allows/s);
  });

  it('fails a request the document refuses but the app accepts', async () => {
    const agent = await agentWithBrokenDocument((document) => {
      const parameters = operation(document, '/api/v1/products', 'get').parameters as Json[];
      const limit = parameters.find((parameter) => parameter.name === 'limit');
      if (limit) limit.schema = { type: 'integer', maximum: 1 };
    });
    await expect(agent.get('/api/v1/products').query({ limit: 5 })).rejects.toThrow(
      /accepted a request the document refuses/,
    );
  });

  it('fails a declared header whose value breaks its schema', async () => {
    const agent = await agentWithBrokenDocument((document) => {
      const headers = (document.components as { headers: Record<string, Json> }).headers;
      headers['X-Request-ID'] = { required: true, schema: { type: 'string', pattern: '^never$' } };
    });
    await expect(agent.get('/api/v1/features')).rejects.toThrow(/headers/);
  });
});
