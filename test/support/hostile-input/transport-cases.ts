import fc from 'fast-check';

import { exampleOf, UNKNOWN_ID } from './example-values';
import { type HostileCase, JSON_HEADERS } from './hostile-case';
import { nestedJson, preview } from './hostile-values';
import { fillPath, type Operation } from './openapi-operations';
import type { Sampler } from './sampler';

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Mirrors MAX_JSON_DEPTH of src/common/http/json-body.ts: one level more must be refused. */
const MAX_JSON_DEPTH = 32;

const BAD_REQUEST: HostileCase['expect'] = { status: 400, code: 'BAD_REQUEST', decidedBeforeAuth: true };

const CLASSIC_MALFORMED = [
  '{"a":1,}',
  "{'a':1}",
  '{a:1}',
  '{"a":NaN}',
  '{"a":Infinity}',
  '{"a":01}',
  '{"a":"\u0001"}',
  '{"a":"\\u12"}',
  '{"a" 1}',
  '{"a":1}}',
  '{"a":1} trailing',
  '{"a":/*comment*/1}',
  '{"a":undefined}',
];

const FOREIGN_BODIES: ReadonlyArray<{ contentType?: string; body: string; label: string }> = [
  { contentType: 'text/plain', body: '{"a":1}', label: 'JSON sent as text/plain' },
  { contentType: 'application/x-www-form-urlencoded', body: 'email=a%40b.co&role=admin', label: 'a form' },
  {
    contentType: 'application/xml',
    body: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
    label: 'XML with an external entity',
  },
  { contentType: 'text/xml', body: '<a>1</a>', label: 'text/xml' },
  {
    contentType: 'multipart/form-data; boundary=XyZ',
    body: '--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--XyZ--\r\n',
    label: 'multipart form data',
  },
  { contentType: 'application/octet-stream', body: '\u0000\u0001\u0002', label: 'octet-stream' },
  { contentType: 'application/json; charset=utf-16', body: '{"a":1}', label: 'JSON declared as UTF-16' },
  { contentType: 'application/json; charset=latin1', body: '{"a":1}', label: 'JSON declared as latin1' },
  { body: '{"a":1}', label: 'a body without a content type' },
];

/**
 * What is refused while the request is read, before authentication: malformed JSON, nesting over
 * the limit, prototype keys, foreign content types, JSON that is not an object or array, and
 * bodies over the size limit. Every caller gets the same 400 or 413.
 */
export function transportCases(operation: Operation, sampler: Sampler, bodyLimitBytes: number): HostileCase[] {
  if (!METHODS_WITH_BODY.has(operation.method)) return [];
  const base = JSON.stringify(operation.body ? exampleOf(operation.body) : { note: 'x' });
  const url = fillPath(operation.template, Object.fromEntries(operation.pathParams.map((p) => [p.name, UNKNOWN_ID])));
  const make = (
    category: string,
    description: string,
    body: string | Uint8Array,
    extra: Partial<HostileCase> = {},
  ): HostileCase => ({
    operation: operation.key,
    method: operation.method,
    url,
    headers: JSON_HEADERS,
    category,
    description,
    body,
    expect: BAD_REQUEST,
    ...extra,
  });
  const cases: HostileCase[] = [];

  for (const text of sampler.take(malformedJson(base), 4))
    cases.push(make('malformed-json', `malformed JSON ${preview(text)}`, text));
  cases.push(
    make(
      'malformed-json',
      'bytes that are not UTF-8 between tokens',
      Buffer.concat([Buffer.from('{"a":1'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('}')]),
    ),
  );

  for (const { depth: wanted, shape, inside } of sampler.take(deepNesting(), 2)) {
    // Kept under the size limit, so it is the depth that gets refused.
    const depth = Math.min(wanted, Math.floor(bodyLimitBytes / (shape === 'array' ? 3 : 8)));
    const nested = nestedJson(depth, shape);
    const text = inside ? `{"${Object.keys(JSON.parse(base) as object)[0] ?? 'a'}":${nested}}` : nested;
    cases.push(make('deep-nesting', `${depth} levels of ${shape}${inside ? ' inside a field' : ''}`, text));
  }

  for (const key of ['__proto__', 'constructor', 'prototype']) {
    const nestedIn = sampler.one(fc.constantFrom('top', 'object', 'array'));
    const polluted = `{"${key}":{"isAdmin":true,"role":"admin"}}`;
    const text =
      nestedIn === 'top'
        ? `${base.slice(0, -1)}${base.length > 2 ? ',' : ''}"${key}":{"isAdmin":true}}`
        : nestedIn === 'object'
          ? `{"a":${polluted}}`
          : `{"a":[1,${polluted}]}`;
    cases.push(make('prototype-key', `"${key}" (${nestedIn})`, text));
  }

  for (const foreign of FOREIGN_BODIES) {
    cases.push(
      make('content-type', foreign.label, foreign.contentType ? foreign.body : Buffer.from(foreign.body), {
        headers: foreign.contentType ? { 'content-type': foreign.contentType } : {},
      }),
    );
  }

  for (const text of sampler.take(fc.constantFrom('"a string"', '42', 'null', 'true', '-0', '1e400'), 2)) {
    cases.push(make('non-object-body', `the JSON primitive ${text}`, text));
  }

  const oversize = bodyLimitBytes + sampler.one(fc.integer({ min: 1, max: 64 * 1024 }));
  cases.push(
    make('oversized-body', `${oversize} bytes`, JSON.stringify({ filler: 'z'.repeat(oversize) }), {
      expect: { status: 413, code: 'PAYLOAD_TOO_LARGE', decidedBeforeAuth: true },
    }),
  );
  return cases;
}

/** A valid JSON text broken by truncation or a stray character, or a classic near-JSON; never parseable. */
function malformedJson(valid: string): fc.Arbitrary<string> {
  return fc
    .oneof(
      fc.integer({ min: 1, max: Math.max(1, valid.length - 1) }).map((end) => valid.slice(0, end)),
      fc
        .tuple(
          fc.nat({ max: valid.length }),
          fc.constantFrom(',', '}', ']', ':', "'", '\\', 'NaN', '/*', '\u0001', '"'),
        )
        .map(([at, junk]) => `${valid.slice(0, at)}${junk}${valid.slice(at)}`),
      fc.constantFrom(...CLASSIC_MALFORMED),
    )
    .filter((text) => !parses(text));
}

function deepNesting(): fc.Arbitrary<{ depth: number; shape: 'array' | 'object' | 'mixed'; inside: boolean }> {
  return fc.record({
    depth: fc.oneof(
      fc.integer({ min: MAX_JSON_DEPTH + 1, max: MAX_JSON_DEPTH + 8 }),
      fc.integer({ min: 500, max: 40_000 }),
    ),
    shape: fc.constantFrom('array' as const, 'object' as const, 'mixed' as const),
    inside: fc.boolean(),
  });
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
