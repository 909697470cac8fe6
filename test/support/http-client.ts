import type { AppProcess } from './app-process';
import { assertExchange, contractFor, requestBodyOf, responseBodyOf } from './contract/contract-registry';
import type { OpenApiContract } from './contract/openapi-contract';

export interface JsonResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: { success: boolean; data: T; meta?: Record<string, unknown>; error?: { code: string } };
}

/** The document a process serves at /docs-json (none for a worker, which serves only probes and metrics). */
const documents = new WeakMap<AppProcess, Promise<OpenApiContract | undefined>>();

function contractOf(app: AppProcess): Promise<OpenApiContract | undefined> {
  let contract = documents.get(app);
  if (!contract) {
    contract = fetch(`${app.baseUrl}/docs-json`).then(async (response) =>
      response.status === 200 ? contractFor((await response.json()) as object) : undefined,
    );
    // A process that is not answering yet is asked again on its next exchange.
    void contract.catch(() => documents.delete(app));
    documents.set(app, contract);
  }
  return contract;
}

/**
 * A small JSON client for an app process (the suites that run separate processes cannot use
 * supertest); like the supertest agents, it checks every answer against the OpenAPI document.
 */
export async function call<T = Record<string, unknown>>(
  app: AppProcess,
  method: string,
  path: string,
  options: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
): Promise<JsonResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(`${app.baseUrl}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  const contract = await contractOf(app).catch(() => undefined);
  if (contract) {
    assertExchange(contract, {
      method,
      url: path,
      requestHeaders: headers,
      requestBody: requestBodyOf(options.body, headers['content-type']),
      status: response.status,
      responseHeaders: Object.fromEntries(response.headers),
      responseBody: responseBodyOf(text, response.headers.get('content-type') ?? undefined),
    });
  }
  return {
    status: response.status,
    headers: response.headers,
    body: (text ? JSON.parse(text) : {}) as JsonResponse<T>['body'],
  };
}

/** Logs in on `app` and returns the access token. */
export async function tokenFor(
  app: AppProcess,
  email: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<string> {
  const response = await call<{ accessToken: string }>(app, 'POST', '/api/v1/auth/login', {
    body: { email, password },
    headers,
  });
  if (response.status !== 200) throw new Error(`login of ${email} failed with ${response.status}`);
  return response.body.data.accessToken;
}

/** Registers a customer on `app`; returns its credentials. */
export async function newCustomer(
  app: AppProcess,
  label: string,
  headers: Record<string, string> = {},
): Promise<{ email: string; password: string }> {
  const suffix = `${label}${Math.random().toString(16).slice(2, 8)}`;
  const credentials = { email: `${suffix}@example.com`, password: 'Replica-Pass-42' };
  const response = await call(app, 'POST', '/api/v1/auth/register', {
    body: { ...credentials, username: suffix },
    headers,
  });
  if (response.status !== 202) throw new Error(`registration failed with ${response.status}`);
  return credentials;
}

/** Sum of one metric family's samples in an app's /metrics, filtered by label text (e.g. `handler="X"`). */
export async function scrapeSum(app: AppProcess, metric: string, labelFilter = ''): Promise<number> {
  const text = await (await fetch(`${app.baseUrl}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${metric}{`) && line.includes(labelFilter))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}
