import type { IncomingMessage, ServerResponse } from 'node:http';

import helmet, { type HelmetOptions } from 'helmet';

/**
 * helmet's response headers for a static configuration, computed once at start-up by running its
 * middleware against a response that only records: every response then gets them in one loop,
 * instead of through helmet's thirteen middlewares per request (docs/decisions/0032). Only valid
 * while the options hold no per-request parts (CSP directives given as functions, e.g. nonces);
 * this app's do not, and the spec checks the result against helmet on a real response.
 */
export function securityHeaders(options: HelmetOptions): ReadonlyArray<readonly [string, string]> {
  if (dependsOnTheRequest(options)) throw new Error('these helmet options compute headers per request');
  const headers = new Map<string, string>();
  const recorder = {
    setHeader: (name: string, value: string | number) => headers.set(name, String(value)),
    removeHeader: (name: string) => headers.delete(name),
  };
  let outcome: { error?: unknown } | undefined;
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    outcome = { error };
  });
  if (!outcome || outcome.error !== undefined) {
    throw new Error('helmet did not finish synchronously with these options', { cause: outcome?.error });
  }
  return [...headers];
}

function dependsOnTheRequest(options: HelmetOptions): boolean {
  const csp = options.contentSecurityPolicy;
  if (typeof csp !== 'object') return false;
  const directives: Record<string, unknown> = csp.directives ?? {};
  return Object.values(directives).some(
    (value) =>
      typeof value === 'function' || (Array.isArray(value) && value.some((part) => typeof part === 'function')),
  );
}
