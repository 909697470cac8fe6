import addFormats from 'ajv-formats';
import { type Document, OpenAPIBackend, type Operation, SetMatchType } from 'openapi-backend';

/** One request and the answer it got, as the suites' HTTP clients saw them. */
export interface Exchange {
  readonly method: string;
  /** Path and query string, e.g. `/api/v1/products?limit=5`. */
  readonly url: string;
  readonly requestHeaders: Readonly<Record<string, string | string[]>>;
  /** The parsed JSON body; `undefined` when none was sent, `UNPARSEABLE` when it was not JSON. */
  readonly requestBody: unknown;
  readonly status: number;
  readonly responseHeaders: Readonly<Record<string, string | string[]>>;
  /** The parsed JSON body, or `undefined` when the answer had none (or was not JSON). */
  readonly responseBody: unknown;
}

export const UNPARSEABLE = Symbol('unparseable request body');

/**
 * Field-error types of rules the document states too (types, presence, unknown fields, bounds,
 * enums, ids): when the app refuses with one of these, the document must have refused as well.
 * The rest (patterns and lengths of values the app normalises first, cross-field and custom rules)
 * JSON Schema cannot state exactly; the app alone enforces them (docs/decisions/0033).
 */
const SCHEMA_STATED_ERRORS: ReadonlySet<string> = new Set([
  'unknown_field',
  'invalid_type',
  'missing',
  'invalid.isInt',
  'invalid.isString',
  'invalid.isNumber',
  'invalid.isBoolean',
  'invalid.isArray',
  'invalid.min',
  'invalid.max',
  'invalid.isUuid',
  'invalid.isEnum',
  'invalid.isIn',
  'invalid.notEquals',
  'invalid.arrayMinSize',
  'invalid.arrayMaxSize',
]);

/**
 * Checks live exchanges against the OpenAPI document with openapi-backend (Ajv): the status must
 * be declared for the operation, the body and the declared headers must match its schemas, and
 * the request must be valid by the document exactly when the app accepts its input.
 */
export class OpenApiContract {
  private constructor(private readonly api: OpenAPIBackend) {}

  static async load(document: object): Promise<OpenApiContract> {
    const api = new OpenAPIBackend({
      definition: structuredClone(document) as Document,
      strict: true,
      validate: true,
      // Validators are compiled per operation on first use, and the document itself is not
      // re-validated here: Spectral and Redocly lint it (npm run openapi:check). Compiling all of
      // them up front costs seconds per test file.
      quick: true,
      // Query and path values arrive as strings; the app converts them the same way.
      coerceTypes: true,
      customizeAjv: (ajv) => {
        addFormats(ajv);
        return ajv;
      },
    });
    await api.init();
    return new OpenApiContract(api);
  }

  /** What is wrong with this exchange; empty when the document and the app agree. */
  violations(exchange: Exchange): string[] {
    const [path, query = ''] = exchange.url.split('?', 2);
    const request = { method: exchange.method, path, query, headers: { ...exchange.requestHeaders } };
    const operation = this.api.matchOperation(request);
    // Routes outside the document (/metrics, /docs) and paths no route serves (the app's 404s).
    if (!operation) return [];
    const label = `${exchange.method.toUpperCase()} ${path} → ${exchange.status} (${operation.operationId ?? '?'})`;
    return [
      ...this.requestViolations(operation, exchange, request),
      ...this.responseViolations(operation, exchange),
    ].map((problem) => `${label}: ${problem}`);
  }

  private requestViolations(
    operation: Operation,
    exchange: Exchange,
    request: { method: string; path: string; query: string; headers: Record<string, string | string[]> },
  ): string[] {
    const refused = isInputError(exchange.responseBody, (loc) => this.statesPresenceOf(operation, loc));
    const errors =
      exchange.requestBody === UNPARSEABLE
        ? ['the body is not JSON']
        : describe(this.api.validateRequest({ ...request, body: exchange.requestBody }, operation).errors);
    if (errors.length > 0 && exchange.status < 400) {
      return [`the app accepted a request the document refuses: ${errors.join('; ')}`];
    }
    if (errors.length === 0 && refused) {
      return [`the app refused (${JSON.stringify(exchange.responseBody)}) a request the document allows`];
    }
    return [];
  }

  private statesPresenceOf(operation: Operation, loc: readonly unknown[]): boolean {
    return statesPresence(this.api.definition, operation, loc);
  }

  private responseViolations(operation: Operation, exchange: Exchange): string[] {
    const declared = declaredResponse(operation, exchange.status);
    if (!declared) return [`status ${exchange.status} is not declared`];
    const hasContent = 'content' in declared && declared.content !== undefined;
    if (!hasContent && exchange.responseBody !== undefined) return ['a body was sent but none is declared'];
    if (hasContent && exchange.responseBody === undefined && exchange.status !== 304) {
      return ['no JSON body was sent but one is declared'];
    }
    const problems: string[] = [];
    if (hasContent && exchange.responseBody !== undefined) {
      const body = this.api.validateResponse(exchange.responseBody, operation, exchange.status);
      problems.push(...describe(body.errors).map((error) => `body: ${error}`));
    }
    // Ajv checks the values of the headers that came; presence is checked only for those the
    // document marks required (openapi-backend's 'superset' mode would demand every optional one).
    const received = lowerCased(exchange.responseHeaders);
    const headers = this.api.validateResponseHeaders(received, operation, {
      statusCode: exchange.status,
      setMatchType: SetMatchType.Any,
    });
    problems.push(...describe(headers.errors).map((error) => `headers: ${error}`));
    const missing = requiredHeaders(declared).filter((name) => !(name in received));
    problems.push(...missing.map((name) => `headers: required ${name} is missing`));
    return problems;
  }
}

/** A JSON-schema object as far as presence goes: its required names and its properties. */
interface PresenceSchema {
  readonly $ref?: string;
  readonly required?: readonly string[];
  readonly properties?: Record<string, PresenceSchema>;
}

/**
 * Whether the document says the body field at `loc` (['body', 'a', 'b']) must be present: a field
 * that is required only together with another (a cross-field rule) is not, and the app alone
 * enforces it. Unresolvable schemas count as stating it, so the check stays strict.
 */
function statesPresence(definition: object, operation: Operation, loc: readonly unknown[]): boolean {
  if (loc[0] !== 'body' || loc.length < 2) return true;
  const content = (operation.requestBody as { content?: Record<string, { schema?: PresenceSchema }> } | undefined)
    ?.content;
  let schema = content?.['application/json']?.schema;
  const resolve = (node: PresenceSchema | undefined): PresenceSchema | undefined => {
    if (!node?.$ref?.startsWith('#/')) return node;
    return node.$ref
      .slice(2)
      .split('/')
      .reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], definition) as PresenceSchema;
  };
  for (let depth = 1; depth < loc.length; depth += 1) {
    schema = resolve(schema);
    const name = loc[depth];
    if (!schema || typeof name !== 'string') return true;
    if (depth === loc.length - 1) return schema.required?.includes(name) ?? false;
    schema = schema.properties?.[name];
  }
  return true;
}

function declaredResponse(operation: Operation, status: number): object | undefined {
  const responses = (operation.responses ?? {}) as Record<string, object>;
  return responses[String(status)] ?? responses[`${Math.floor(status / 100)}XX`] ?? responses.default;
}

function requiredHeaders(response: object): string[] {
  const headers = ('headers' in response ? response.headers : {}) as Record<string, { required?: boolean }>;
  return Object.entries(headers)
    .filter(([, header]) => header.required === true)
    .map(([name]) => name.toLowerCase());
}

/** Whether the app refused the request for breaking a rule the document states as well. */
function isInputError(body: unknown, statesPresenceOf: (loc: readonly unknown[]) => boolean): boolean {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const { error } = body as {
    error: { code?: unknown; details?: { errors?: Array<{ type?: unknown; loc?: readonly unknown[] }> } };
  };
  // Body size and nesting depth (400, 413) are limits JSON Schema does not state either.
  if (error.code !== 'VALIDATION_ERROR') return false;
  const fieldErrors = error.details?.errors;
  if (!Array.isArray(fieldErrors)) return true;
  return fieldErrors.some(
    (field) =>
      typeof field.type === 'string' &&
      SCHEMA_STATED_ERRORS.has(field.type) &&
      (field.type !== 'missing' || statesPresenceOf(field.loc ?? [])),
  );
}

function describe(
  errors: ReadonlyArray<{ instancePath?: string; message?: string; params?: unknown }> | null | undefined,
): string[] {
  return (errors ?? []).map(
    (error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params ?? {})}`,
  );
}

function lowerCased(headers: Readonly<Record<string, string | string[]>>): Record<string, string | string[]> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
