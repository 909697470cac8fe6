import type { Type } from '@nestjs/common';
import type { OpenAPIObject, OperationObject, ParameterObject, ResponseObject } from '@nestjs/swagger';

import { ACCESS_TOKEN_COOKIE, UNSAFE_METHODS } from '../../common/http/auth-cookies';
import type { RouteMetadata } from './route-metadata';
import { isValidatedClass, keywordsOf, type Schema, withKeywords } from './validation-schema';

const BEARER_SECURITY = 'bearer';
const API_KEY_SECURITY = 'api-key';
const COOKIE_SECURITY = 'cookie';

const ERROR_BODY = { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelopeDto' } } };
const HEADER_REF = (name: string): { $ref: string } => ({ $ref: `#/components/headers/${name}` });

/** Response headers the app may send; described once, referenced from every response. */
const HEADERS = {
  'X-Request-ID': {
    description: 'Id of this request (echoed when the client sent a valid one); also in logs and error bodies',
    required: true,
    schema: { type: 'string', maxLength: 128 },
  },
  'X-RateLimit-Limit': {
    description: 'Requests allowed in the current window of the limit that applies',
    schema: { type: 'integer', minimum: 0 },
  },
  'X-RateLimit-Remaining': { description: 'Requests left in that window', schema: { type: 'integer', minimum: 0 } },
  'X-RateLimit-Reset': { description: 'Seconds until that window resets', schema: { type: 'integer', minimum: 0 } },
  'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer', minimum: 0 } },
  'WWW-Authenticate': { description: 'The authentication scheme to use', schema: { type: 'string' } },
  ETag: { description: 'Version of the representation; send it back in If-None-Match', schema: { type: 'string' } },
} as const;
const EVERY_RESPONSE_HEADERS = ['X-Request-ID', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'];

/** Inline rather than a `$ref`, so that every consumer of the document sees a plain header parameter. */
const CSRF_TOKEN_PARAMETER: ParameterObject = {
  name: 'X-CSRF-Token',
  in: 'header',
  required: false,
  description:
    'Required on unsafe methods when authenticated by cookie: the token from login, refresh or GET /auth/csrf',
  schema: { type: 'string', maxLength: 512 },
};

/** Answers every operation can give, whatever its decorators say (the request pipeline's, docs/decisions/0008). */
const PIPELINE_RESPONSES: ReadonlyArray<{
  status: string;
  description: string;
  when: (op: OperationFacts) => boolean;
  headers?: string[];
}> = [
  {
    status: '400',
    description:
      'BAD_REQUEST: malformed JSON, a body that is not JSON, inherited member names as keys, too deep nesting',
    when: () => true,
  },
  {
    status: '401',
    description: 'AUTHENTICATION_ERROR: missing, malformed, expired or revoked credentials',
    when: (op) => !op.isPublic,
    headers: ['WWW-Authenticate'],
  },
  {
    status: '403',
    description: 'PERMISSION_DENIED: an API key without the scope the route needs',
    when: (op) => !op.isPublic,
  },
  {
    status: '403',
    description: 'CSRF_INVALID: cookie authentication without a valid X-CSRF-Token',
    when: (op) => !op.isPublic && op.isUnsafe,
  },
  { status: '413', description: 'PAYLOAD_TOO_LARGE: the body exceeds the configured limit', when: (op) => op.hasBody },
  {
    status: '422',
    description:
      'VALIDATION_ERROR: a parameter or the body breaks the schema, or the query names a parameter the route does not declare',
    // Every route refuses unknown query parameters (ResponseInterceptor), inputs declared or not.
    when: () => true,
  },
  { status: '429', description: 'RATE_LIMIT_EXCEEDED', when: () => true, headers: ['Retry-After'] },
  { status: '500', description: 'INTERNAL_ERROR', when: () => true },
  {
    status: '503',
    description: 'SERVICE_UNAVAILABLE: a dependency is down or the request timed out',
    when: () => true,
    headers: ['Retry-After'],
  },
];

interface OperationFacts {
  readonly isPublic: boolean;
  readonly isUnsafe: boolean;
  readonly hasBody: boolean;
}

/**
 * Completes the document generated from the decorators with what the app does for every route
 * (its pipeline) and with what its metadata already knows (public routes, validation rules,
 * parameter pipes), so that adding a route or a DTO rule needs no second description.
 */
export function completeDocument(document: OpenAPIObject, routes: ReadonlyMap<string, RouteMetadata>): OpenAPIObject {
  const components = document.components ?? {};
  components.securitySchemes = {
    [BEARER_SECURITY]: {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: 'Access token from /auth/login',
    },
    [API_KEY_SECURITY]: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'API key from /auth/api-keys' },
    [COOKIE_SECURITY]: {
      type: 'apiKey',
      in: 'cookie',
      name: ACCESS_TOKEN_COOKIE,
      description: 'Cookie mode (login with `mode: cookie`): unsafe methods also need the `X-CSRF-Token` header',
    },
  };
  components.headers = { ...HEADERS };
  document.components = components;
  const dtos = new Set<Type<unknown>>();
  for (const [, method, operation] of operationsOf(document)) {
    const route = operation.operationId ? routes.get(operation.operationId) : undefined;
    if (!route) continue;
    if (route.bodyDto) dtos.add(route.bodyDto);
    completeOperation(operation, route, method);
  }
  strictenSchemas((components.schemas ?? {}) as Record<string, Schema>, withNested(dtos));
  document.tags = tagsOf(document);
  document.servers = [{ url: '/', description: 'This server' }];
  return document;
}

function completeOperation(operation: OperationObject, route: RouteMetadata, method: string): void {
  const isUnsafe = UNSAFE_METHODS.has(method.toUpperCase());
  const parameters = (operation.parameters ?? []) as ParameterObject[];
  const facts: OperationFacts = {
    isPublic: route.isPublic,
    isUnsafe,
    hasBody: operation.requestBody !== undefined,
  };
  operation.description ??= operation.summary;
  relaxOptionalBody(operation, route);
  operation.security = route.isPublic
    ? []
    : [{ [BEARER_SECURITY]: [] }, { [API_KEY_SECURITY]: [] }, { [COOKIE_SECURITY]: [] }];
  const query = route.queryDto ? keywordsOf(route.queryDto) : new Map<string, Schema>();
  for (const parameter of parameters) {
    const keywords = parameter.in === 'query' ? query.get(parameter.name) : route.pathSchemas.get(parameter.name);
    if (keywords) parameter.schema = withKeywords((parameter.schema ?? {}) as Schema, keywords);
  }
  if (isUnsafe) parameters.push({ ...CSRF_TOKEN_PARAMETER });
  operation.parameters = parameters;
  const responses = operation.responses as Record<string, ResponseObject>;
  const hasSuccess = Object.keys(responses).some((status) => status.startsWith('2'));
  if (route.httpCode === 204 && !hasSuccess) responses['204'] = { description: 'Done; no body' };
  for (const pipeline of PIPELINE_RESPONSES) {
    if (!pipeline.when(facts)) continue;
    const existing = responses[pipeline.status];
    responses[pipeline.status] = existing
      ? { ...existing, description: mergeDescriptions(existing.description, pipeline.description) }
      : { description: pipeline.description, content: ERROR_BODY };
    addHeaders(responses[pipeline.status], pipeline.headers ?? []);
  }
  if (route.isConditional) {
    responses['304'] = { description: 'Not modified: the If-None-Match ETag is current' };
    addHeaders(responses['304'], ['ETag']);
    if (responses['200']) addHeaders(responses['200'], ['ETag']);
  }
  for (const response of Object.values(responses)) addHeaders(response, EVERY_RESPONSE_HEADERS);
}

/** A body whose DTO requires nothing may be left out altogether (the app then sees `{}`). */
function relaxOptionalBody(operation: OperationObject, route: RouteMetadata): void {
  const body = operation.requestBody as { required?: boolean } | undefined;
  if (!body || !route.bodyDto) return;
  const required = (Reflect.getMetadata('swagger/apiModelPropertiesArray', route.bodyDto.prototype as object) ??
    []) as string[];
  const anyRequired = required.some((name) => {
    const property = Reflect.getMetadata(
      'swagger/apiModelProperties',
      route.bodyDto?.prototype as object,
      name.slice(1),
    ) as { required?: boolean } | undefined;
    return property?.required !== false;
  });
  if (!anyRequired) body.required = false;
}

/** Adds the error codes of `added` that `existing` does not name yet. */
function mergeDescriptions(existing: string, added: string): string {
  const missing = (added.match(/\b[A-Z]+(?:_[A-Z]+)+\b/g) ?? []).filter((code) => !existing.includes(code));
  if (missing.length === 0) return existing;
  return existing === '' ? added : `${existing} | ${missing.join(' | ')}`;
}

function addHeaders(response: ResponseObject, names: readonly string[]): void {
  const headers = { ...(response.headers ?? {}) };
  for (const name of names) headers[name] ??= HEADER_REF(name);
  response.headers = headers;
}

/**
 * Input DTOs get the keywords of their class-validator rules and `additionalProperties: false`
 * (the ValidationPipe refuses unknown properties, so the document does too).
 */
function strictenSchemas(schemas: Record<string, Schema>, dtos: ReadonlySet<Type<unknown>>): void {
  for (const dto of dtos) {
    const schema = schemas[dto.name];
    if (!schema) continue;
    schema.additionalProperties = false;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const [name, keywords] of keywordsOf(dto)) {
      if (properties[name]) properties[name] = withKeywords(properties[name], keywords);
    }
  }
}

/** The DTO classes and those nested in them (their Swagger property types that class-validator knows). */
function withNested(dtos: ReadonlySet<Type<unknown>>): Set<Type<unknown>> {
  const all = new Set<Type<unknown>>();
  const visit = (dto: Type<unknown>): void => {
    if (all.has(dto) || !isValidatedClass(dto)) return;
    all.add(dto);
    const prototype = dto.prototype as object;
    const names = (Reflect.getMetadata('swagger/apiModelPropertiesArray', prototype) ?? []) as string[];
    for (const name of names) {
      const property = Reflect.getMetadata('swagger/apiModelProperties', prototype, name.slice(1)) as
        { type?: unknown } | undefined;
      const type = resolveType(property?.type);
      if (type) visit(type);
    }
  };
  for (const dto of dtos) visit(dto);
  return all;
}

function resolveType(type: unknown): Type<unknown> | undefined {
  const single = Array.isArray(type) ? (type[0] as unknown) : type;
  if (typeof single !== 'function') return undefined;
  // A lazy `() => Type` has no prototype; a class does.
  if (!('prototype' in single) || single.prototype === undefined) return resolveType((single as () => unknown)());
  return single as Type<unknown>;
}

function* operationsOf(document: OpenAPIObject): Generator<[string, string, OperationObject]> {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = item[method];
      if (operation) yield [path, method, operation];
    }
  }
}

function tagsOf(document: OpenAPIObject): Array<{ name: string; description: string }> {
  const names = new Set<string>();
  for (const [, , operation] of operationsOf(document)) for (const tag of operation.tags ?? []) names.add(tag);
  return [...names].sort().map((name) => ({ name, description: `Operations on ${name}` }));
}
