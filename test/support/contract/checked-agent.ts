import type { ClientRequest } from 'node:http';

import supertest from 'supertest';

import { assertExchange, requestBodyOf, responseBodyOf } from './contract-registry';
import type { OpenApiContract } from './openapi-contract';

/** What supertest keeps of the request it sent (not in its public types). */
interface SentRequest {
  readonly method: string;
  readonly _data?: unknown;
  readonly header: Record<string, string>;
}

/**
 * A supertest agent whose every answer is checked against the OpenAPI contract; a violation
 * fails the awaiting test with the exchange and what is wrong with it.
 */
export function checkedAgent(
  server: Parameters<typeof supertest.agent>[0],
  contract: OpenApiContract,
): supertest.Agent {
  const agent = supertest.agent(server);
  agent.use((request: supertest.Test) => {
    void request.expect((response: supertest.Response) => {
      const sent = response.request as unknown as SentRequest;
      const wire = (response as unknown as { req: ClientRequest }).req;
      const requestHeaders = Object.fromEntries(
        Object.entries(wire.getHeaders()).map(([name, value]) => [name, Array.isArray(value) ? value : String(value)]),
      );
      assertExchange(contract, {
        method: sent.method,
        url: wire.path,
        requestHeaders,
        requestBody: requestBodyOf(sent._data, wire.getHeader('content-type')?.toString()),
        status: response.status,
        responseHeaders: response.headers,
        responseBody: responseBodyOf(response.text, response.headers['content-type']),
      });
    });
  });
  return agent;
}
