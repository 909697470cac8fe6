import fc from 'fast-check';

import { exampleOf, UNKNOWN_ID } from './example-values';
import { type HostileCase, JSON_HEADERS, jsonBody } from './hostile-case';
import { isUrlSafe, malformedUuid, preview } from './hostile-values';
import { fillPath, type Operation } from './openapi-operations';
import type { Sampler } from './sampler';

const INVALID: HostileCase['expect'] = { status: 422, code: 'VALIDATION_ERROR' };

/** Idempotency-Key values outside "1-255 visible ASCII characters" (docs/api.md, Orders). */
const BAD_IDEMPOTENCY_KEYS = ['', 'has space', 'tab\there', 'clé-é', 'k'.repeat(256)];

/** The request as a well-behaved client would send it, against a resource that does not exist. */
export function plainRequest(operation: Operation): Pick<HostileCase, 'url' | 'headers' | 'body'> {
  const url = fillPath(operation.template, Object.fromEntries(operation.pathParams.map((p) => [p.name, UNKNOWN_ID])));
  return operation.body ? { url, headers: JSON_HEADERS, body: jsonBody(exampleOf(operation.body)) } : { url };
}

/** A URL client resolves `.` and `..` segments before sending: they never reach the app as a value. */
const isPathSegmentValue = (value: string): boolean => isUrlSafe(value) && value !== '.' && value !== '..';

/**
 * Values the path parameters must refuse. Ids are UUIDs unless the parameter documents a
 * `pattern` (e.g. a feature-flag key): then hostile text and near misses that break the pattern.
 */
function malformedIdsFor(operation: Operation): fc.Arbitrary<string> {
  const patterns = operation.pathParams.map((param) => param.schema.pattern).filter((p): p is string => !!p);
  if (patterns.length === 0) return malformedUuid.filter(isPathSegmentValue);
  const maxLength = Math.min(...operation.pathParams.map((param) => param.schema.maxLength ?? 255));
  const nearMisses = fc.constantFrom('UPPER', 'a..b', '-lead', 'trail_', 'sp ace', 'dé', 'k'.repeat(maxLength + 1));
  return fc
    .oneof(nearMisses, malformedUuid)
    .filter((value) => isPathSegmentValue(value) && patterns.every((pattern) => !new RegExp(pattern).test(value)));
}

/** Malformed ids in every path parameter (422), and percent-escapes that do not decode (400, while routing). */
export function pathCases(operation: Operation, sampler: Sampler): HostileCase[] {
  if (operation.pathParams.length === 0) return [];
  const plain = plainRequest(operation);
  const withId = (id: string): string =>
    fillPath(operation.template, Object.fromEntries(operation.pathParams.map((p) => [p.name, id])));
  const malformed = sampler.take(malformedIdsFor(operation), 4).map((id) => ({
    ...plain,
    operation: operation.key,
    method: operation.method,
    url: withId(encodeURIComponent(id)),
    category: 'malformed-uuid',
    description: `id ${preview(id)}`,
    expect: INVALID,
  }));
  const undecodable = sampler.take(fc.constantFrom('%zz', '%E0%A4%A', '%', 'a%2', '%C0%AF'), 2).map((raw) => ({
    ...plain,
    operation: operation.key,
    method: operation.method,
    url: withId(raw),
    category: 'undecodable-path',
    description: `id ${raw}`,
    expect: { status: 400, code: 'BAD_REQUEST', decidedBeforeAuth: true },
  }));
  return [...malformed, ...undecodable];
}

/**
 * Declared request headers with hostile values: a malformed Idempotency-Key is 422 (on an
 * otherwise valid order, so accepting the key would show as a 404 for the unknown product);
 * other declared headers must not change the answer.
 */
export function headerCases(operation: Operation, sampler: Sampler): HostileCase[] {
  const plain = plainRequest(operation);
  return operation.headerParams.flatMap((header) => {
    const isIdempotencyKey = header.name.toLowerCase() === 'idempotency-key';
    // "Must not change the answer" needs the plain request as a baseline: only sent where it writes nothing.
    if (!isIdempotencyKey && operation.method !== 'GET') return [];
    const values = isIdempotencyKey ? BAD_IDEMPOTENCY_KEYS : sampler.take(fc.stringMatching(/^[\x21-\x7e]{1,300}$/), 2);
    return values.map((value) => ({
      ...plain,
      headers: { ...plain.headers, [header.name]: value },
      operation: operation.key,
      method: operation.method,
      category: 'bad-header',
      description: `${header.name}: ${preview(value)}`,
      expect: isIdempotencyKey ? INVALID : ({ status: 'baseline' } as const),
    }));
  });
}

/** Credentials that look real but are not: garbage, unsigned or tampered tokens, made-up API keys. */
export function forgedCredentialCases(operation: Operation, sampler: Sampler, realToken: string): HostileCase[] {
  if (operation.isPublic) return [];
  const [header, payload, signature] = realToken.split('.');
  const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
  const forgeries: Array<Record<string, string>> = [
    { authorization: `Bearer ${header}.${payload}.${flip(signature, 5)}` },
    { authorization: `Bearer ${unsigned}` },
    { authorization: 'Bearer garbage' },
    { authorization: `Bearer ${'e'.repeat(6000)}` },
    { authorization: 'Basic YWRtaW46YWRtaW4=' },
    { authorization: `bearer  ${realToken}x` },
    { 'x-api-key': `${UNKNOWN_ID}.secret` },
    { 'x-api-key': "' OR 1=1 --" },
    { authorization: `Bearer ${realToken}`, 'x-api-key': `${UNKNOWN_ID}.secret` },
  ];
  const plain = plainRequest(operation);
  return sampler.take(fc.constantFrom(...forgeries), 3).map((credentials) => ({
    ...plain,
    headers: { ...plain.headers, ...credentials },
    operation: operation.key,
    method: operation.method,
    category: 'forged-credentials',
    description: Object.entries(credentials)
      .map(([name, value]) => `${name}: ${preview(value)}`)
      .join(', '),
    expect: { status: 401, code: 'AUTHENTICATION_ERROR' },
    callers: ['anonymous'],
  }));
}

function flip(text: string, at: number): string {
  return `${text.slice(0, at)}${text[at] === 'A' ? 'B' : 'A'}${text.slice(at + 1)}`;
}
