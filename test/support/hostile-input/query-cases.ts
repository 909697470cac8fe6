import fc from 'fast-check';

import { exampleOf, exampleText, UNKNOWN_ID } from './example-values';
import { type HostileCase, JSON_HEADERS, jsonBody } from './hostile-case';
import { hostileText, invalidInteger, isUrlSafe, malformedUuid, preview, textWithNul } from './hostile-values';
import { fillPath, type Operation, type Parameter } from './openapi-operations';
import type { Sampler } from './sampler';

const INVALID: HostileCase['expect'] = { status: 422, code: 'VALIDATION_ERROR' };

/** Parameters of the shared pagination contract (docs/api.md, Pagination), judged by their meaning. */
const PAGINATION = new Set(['page', 'pageSize', 'limit', 'cursor', 'sort']);

const UNKNOWN_NAMES = [
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  'a[b]',
  '__proto__[admin]',
  '',
  '$where',
  '😀',
  'q\u0000',
];

/** A sort expression that cannot name a sortable field: refused whatever the resource. */
const NOT_A_SORT = hostileText.filter((text) => !/^[A-Za-z][A-Za-z0-9]*(:(asc|desc))?$/.test(text));

/**
 * Query strings that break the operation's declared parameters (wrong types, out of range, over
 * long, NUL characters, repeated, unknown, oversized pages, mixed pagination modes, forged
 * cursors), all 422; and injection or odd Unicode in free-text filters, which is valid input and
 * must be 200. Operations that declare no query parameters refuse any query string (422), as the
 * others refuse unknown names.
 */
export function queryCases(operation: Operation, sampler: Sampler, realCursor: string | undefined): HostileCase[] {
  const path = fillPath(operation.template, Object.fromEntries(operation.pathParams.map((p) => [p.name, UNKNOWN_ID])));
  const body = operation.body ? jsonBody(exampleOf(operation.body)) : undefined;
  const make = (category: string, description: string, query: string, expect: HostileCase['expect']): HostileCase => ({
    operation: operation.key,
    method: operation.method,
    url: `${path}?${query}`,
    headers: body === undefined ? undefined : JSON_HEADERS,
    body,
    category,
    description,
    expect,
  });
  if (operation.queryParams.length === 0) {
    return sampler
      .take(fc.tuple(fc.constantFrom(...UNKNOWN_NAMES), fc.oneof(hostileText, textWithNul).filter(isUrlSafe)), 3)
      .map(([name, value]) =>
        make('unknown-query', `?${name}=${preview(value)}`, `${q(name, value)}&${q(name, 'again')}`, INVALID),
      );
  }

  const cases: HostileCase[] = [];
  const declared = new Set(operation.queryParams.map((parameter) => parameter.name));
  for (const parameter of operation.queryParams) {
    for (const value of invalidValues(parameter, sampler)) {
      cases.push(make('bad-query-value', `${parameter.name}=${preview(value)}`, q(parameter.name, value), INVALID));
    }
    const valid = parameter.name === 'cursor' ? 'abc' : exampleText(parameter.schema);
    cases.push(
      make(
        'duplicate-query',
        `${parameter.name} twice`,
        `${q(parameter.name, valid)}&${q(parameter.name, valid)}`,
        INVALID,
      ),
    );
    if (isFreeText(parameter)) {
      const limit = parameter.schema.maxLength ?? 100;
      for (const value of sampler.take(
        hostileText.filter((text) => text.trim().length <= limit),
        3,
      )) {
        cases.push(
          make('injection-in-filter', `${parameter.name}=${preview(value)}`, q(parameter.name, value), { status: 200 }),
        );
      }
    }
  }
  for (const [name, value] of sampler.take(
    fc.tuple(
      fc.constantFrom(...UNKNOWN_NAMES).filter((name) => !declared.has(name)),
      hostileText,
    ),
    3,
  )) {
    cases.push(make('unknown-query', `?${name}=…`, q(name, value), INVALID));
  }
  if (declared.has('page')) {
    for (const page of sampler.take(
      fc.constantFrom('1000000', '2147483648', '9007199254740993', `1${'0'.repeat(300)}`),
      2,
    )) {
      cases.push(make('oversized-page', `page=${page.slice(0, 20)}`, q('page', page), INVALID));
    }
  }
  if (declared.has('page') && declared.has('limit')) {
    cases.push(make('mixed-pagination', 'page and limit', 'page=1&limit=5', INVALID));
    cases.push(make('mixed-pagination', 'pageSize and cursor', 'pageSize=5&cursor=abc', INVALID));
  }
  if (declared.has('cursor')) {
    for (const cursor of forgedCursors(sampler, realCursor)) {
      cases.push(make('forged-cursor', `cursor=${preview(cursor)}`, q('cursor', cursor), INVALID));
    }
    if (realCursor && declared.has('sort')) {
      cases.push(
        make(
          'forged-cursor',
          'a real cursor under another sort',
          `${q('cursor', realCursor)}&sort=createdAt:asc`,
          INVALID,
        ),
      );
    }
  }
  return cases;
}

function invalidValues(parameter: Parameter, sampler: Sampler): string[] {
  const { schema, name } = parameter;
  const values: string[] = [];
  if (name === 'sort') values.push(...sampler.take(NOT_A_SORT, 2));
  if (schema.type === 'integer') {
    const outOfRange = (text: string): boolean => {
      const value = Number(text);
      return !Number.isInteger(value) || value < (schema.minimum ?? -Infinity) || value > (schema.maximum ?? Infinity);
    };
    values.push(
      ...sampler.take(
        fc
          .oneof(
            invalidInteger(schema.minimum, schema.maximum).map(String),
            hostileText,
            fc.constantFrom('1e400', 'NaN', '-Infinity', '1_000', '[1]'),
          )
          .filter(outOfRange),
        3,
      ),
    );
  } else if (schema.type === 'boolean') {
    values.push(
      ...sampler.take(
        hostileText.filter((text) => text !== 'true' && text !== 'false'),
        2,
      ),
    );
  } else if (schema.enum) {
    values.push(
      ...sampler.take(
        hostileText.filter((text) => !schema.enum?.includes(text)),
        2,
      ),
    );
  } else if (schema.format === 'uuid') {
    values.push(...sampler.take(malformedUuid.filter(isUrlSafe), 2));
  } else if (schema.type === 'string') {
    if (schema.maxLength === undefined) throw new Error(`query parameter ${name} documents no maxLength`);
    values.push('w'.repeat(schema.maxLength + sampler.one(fc.integer({ min: 1, max: 200 }))));
    values.push(...sampler.take(textWithNul.filter(isUrlSafe), 1));
  } else {
    throw new Error(`query parameter ${name} has the vague type "${schema.type ?? 'none'}"`);
  }
  return values;
}

/** Strings anyone may search with: no enum, no format, not part of pagination. */
function isFreeText(parameter: Parameter): boolean {
  const { schema } = parameter;
  return schema.type === 'string' && !schema.enum && !schema.format && !PAGINATION.has(parameter.name);
}

function forgedCursors(sampler: Sampler, real: string | undefined): string[] {
  const base64url = fc.string({
    unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'),
    minLength: 4,
    maxLength: 60,
  });
  const forged = sampler.take(
    fc.oneof(
      fc.tuple(base64url, base64url).map(([payload, signature]) => `${payload}.${signature}`),
      fc
        .record({ s: fc.constant('createdAt:desc'), v: fc.constant(['2030-01-01T00:00:00.000Z']), i: fc.uuid() })
        .chain((position) =>
          base64url.map((signature) => `${Buffer.from(JSON.stringify(position)).toString('base64url')}.${signature}`),
        ),
      fc.constantFrom('.', '..', 'a.b.c', 'e30.', '.AAAAAAAAAAAAAAAAAAAAAA'),
    ),
    3,
  );
  if (!real) return forged;
  const [payload, signature] = real.split('.');
  return [
    ...forged,
    `${flip(payload, Math.floor(payload.length / 2))}.${signature}`,
    `${payload}.${flip(signature, 3)}`,
    `${payload}.${signature.slice(0, -4)}`,
    `${real}.extra`,
    `${Buffer.from(JSON.stringify({ s: 'createdAt:desc', v: ['1970-01-01T00:00:00.000Z'], i: UNKNOWN_ID })).toString('base64url')}.${signature}`,
  ];
}

function flip(text: string, at: number): string {
  return `${text.slice(0, at)}${text[at] === 'A' ? 'B' : 'A'}${text.slice(at + 1)}`;
}

function q(name: string, value: string): string {
  return `${encodeURIComponent(name)}=${encodeURIComponent(value)}`;
}
