import fc from 'fast-check';

import { exampleOf, UNKNOWN_ID } from './example-values';
import { type HostileCase, JSON_HEADERS, jsonBody } from './hostile-case';
import {
  hostileText,
  invalidInteger,
  malformedUuid,
  nestedJson,
  preview,
  unstorableText,
  valueOfAnotherType,
} from './hostile-values';
import { fillPath, type Operation, type Schema } from './openapi-operations';
import type { Sampler } from './sampler';

const INVALID: HostileCase['expect'] = { status: 422, code: 'VALIDATION_ERROR' };

/** Keys no payload has; the three the JSON parser refuses outright are transport cases instead. */
const UNKNOWN_KEYS = [
  'hasOwnProperty',
  'toString',
  'valueOf',
  'isPrototypeOf',
  '__defineGetter__',
  '$where',
  '$gt',
  'isAdmin',
  'role',
  'id',
  'userId',
  '',
  ' ',
  'a.b',
  'a[b]',
  '😀',
  'x\u0000',
];

type Path = ReadonlyArray<string | number>;

interface Mutation {
  readonly category: string;
  readonly description: string;
  readonly body: string;
}

/**
 * Bodies that are valid JSON objects but break the operation's schema in exactly one place:
 * wrong types, out-of-range numbers, over-long or unstorable text, unknown keys, missing fields.
 * All of them must be 422 VALIDATION_ERROR for a caller allowed to use the operation.
 */
export function bodyCases(operation: Operation, sampler: Sampler): HostileCase[] {
  const schema = operation.body;
  if (!schema) return [];
  const base = exampleOf(schema) as Record<string, unknown>;
  const mutations: Mutation[] = [
    {
      category: 'non-object-body',
      description: 'a JSON array',
      body: jsonBody(sampler.one(fc.array(fc.jsonValue(), { maxLength: 3 }))),
    },
    ...objectMutations(schema, base, [], sampler),
  ];
  if ((schema.required ?? []).length > 0) {
    mutations.push({ category: 'empty-body', description: 'no body at all', body: '' });
  }
  const url = fillPath(operation.template, Object.fromEntries(operation.pathParams.map((p) => [p.name, UNKNOWN_ID])));
  return mutations.map((mutation) => ({
    operation: operation.key,
    method: operation.method,
    url,
    headers: JSON_HEADERS,
    expect: INVALID,
    ...mutation,
  }));
}

function objectMutations(schema: Schema, base: Record<string, unknown>, at: Path, sampler: Sampler): Mutation[] {
  const properties = Object.entries(schema.properties ?? {});
  const mutations: Mutation[] = [];
  const withValue = (path: Path, value: unknown): string => jsonBody(setIn(base, [...at, ...path], value));
  for (const name of schema.required ?? []) {
    mutations.push({
      category: 'missing-field',
      description: `without ${describe([...at, name])}`,
      body: jsonBody(setIn(base, [...at, name], undefined)),
    });
  }
  for (const [name, property] of properties) {
    const where = describe([...at, name]);
    for (const value of sampler.take(valueOfAnotherType(property.type), 2)) {
      mutations.push({
        category: 'wrong-type',
        description: `${where} = ${preview(value)}`,
        body: withValue([name], value),
      });
    }
    // Inside the parser's depth limit (the limit itself is a transport case).
    const depth = sampler.one(fc.integer({ min: 2, max: 24 }));
    mutations.push({
      category: 'nested-value',
      description: `${where} nested ${depth} levels`,
      body: jsonBody(setIn(base, [...at, name], JSON.parse(nestedJson(depth, 'mixed')))),
    });
    for (const { category, value } of constraintViolations(property, sampler)) {
      mutations.push({ category, description: `${where} = ${preview(value)}`, body: withValue([name], value) });
    }
    if (property.type === 'array' && property.items?.properties) {
      const item = (base[name] as unknown[] | undefined)?.[0] ?? exampleOf(property.items);
      const nestedBase = setIn(base, [...at, name], [item]) as Record<string, unknown>;
      mutations.push(...objectMutations(property.items, nestedBase, [...at, name, 0], sampler));
    }
  }
  const known = new Set(properties.map(([name]) => name));
  for (const key of sampler.take(
    fc.constantFrom(...UNKNOWN_KEYS).filter((key) => !known.has(key)),
    2,
  )) {
    mutations.push({
      category: 'unknown-key',
      description: `${describe([...at, key])} added`,
      body: withValue([key], sampler.one(fc.oneof(fc.jsonValue(), hostileText))),
    });
  }
  return mutations;
}

/** Values of the right JSON type that the field's documented rules exclude. */
function constraintViolations(schema: Schema, sampler: Sampler): Array<{ category: string; value: unknown }> {
  const violations: Array<{ category: string; value: unknown }> = [];
  const add = (category: string, values: unknown[]): void => {
    values.forEach((value) => violations.push({ category, value }));
  };
  if (schema.type === 'string') {
    add('unstorable-text', sampler.take(unstorableText, 2));
    if (schema.enum)
      add(
        'not-in-enum',
        sampler.take(
          hostileText.filter((text) => !schema.enum?.includes(text)),
          2,
        ),
      );
    if (schema.format === 'uuid') add('malformed-uuid', sampler.take(malformedUuid, 2));
    if (schema.format === 'date-time')
      add(
        'malformed-date',
        sampler.take(fc.constantFrom('tomorrow', '2031-02-30T00:00:00Z', '1e15', '31/12/2031', ''), 2),
      );
    if (schema.maxLength !== undefined) {
      add('huge-string', [
        'x'.repeat(schema.maxLength + sampler.one(fc.integer({ min: 1, max: 64 }))),
        'y'.repeat(sampler.one(fc.integer({ min: 20_000, max: 60_000 }))),
      ]);
    } else if (!schema.enum && !schema.format) {
      throw new Error(
        'a string field documents no maxLength, enum or format: the corpus cannot tell a huge string from a valid one',
      );
    }
  } else if (schema.type === 'integer' || schema.type === 'number') {
    add('bad-number', sampler.take(invalidInteger(schema.minimum, schema.maximum), 4));
  } else if (schema.type === 'array') {
    if ((schema.minItems ?? 0) > 0) add('array-size', [[]]);
    if (schema.maxItems !== undefined && schema.items)
      add('array-size', [Array.from({ length: schema.maxItems + 1 }, () => exampleOf(schema.items as Schema))]);
    if (schema.items?.enum)
      add('not-in-enum', [
        sampler.take(
          hostileText.filter((text) => !schema.items?.enum?.includes(text)),
          1,
        ),
      ]);
  } else if (schema.type !== 'boolean' && !schema.properties) {
    throw new Error(
      `a field documents the vague type "${schema.type ?? 'none'}": the corpus cannot tell which values are wrong`,
    );
  }
  return violations;
}

/** A copy of `value` with `path` set (or removed, for undefined). */
function setIn(value: unknown, path: Path, leaf: unknown): unknown {
  if (path.length === 0) return leaf;
  const [head, ...rest] = path;
  const copy = (Array.isArray(value) ? [...(value as unknown[])] : { ...(value as object) }) as Record<
    string | number,
    unknown
  >;
  const next = rest.length === 0 ? leaf : setIn(copy[head], rest, leaf);
  if (next === undefined) delete copy[head];
  else copy[head] = next;
  return copy;
}

function describe(path: Path): string {
  return path.map((segment) => (typeof segment === 'number' ? `[${segment}]` : `.${segment}`)).join('') || '(body)';
}
