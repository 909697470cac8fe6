import createClient, { type ClientOptions } from 'openapi-fetch';

import type { components, paths } from './schema';

export type { components, operations, paths } from './schema';

/** A schema of the document by name, e.g. `Schema<'ProductResponseDto'>`. */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];

/** The typed client: `client.GET('/api/v1/products/{id}', { params: { path: { id } } })`. */
export type ApiClient = ReturnType<typeof createClient<paths>>;

/**
 * A client for one server. Browser apps in cookie mode pass `credentials: 'include'` and send
 * `X-CSRF-Token` on unsafe methods; other clients pass `Authorization` or `X-API-Key` headers.
 */
export function createApiClient(options: ClientOptions = {}): ApiClient {
  return createClient<paths>(options);
}
