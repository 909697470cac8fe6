import type { FieldError } from '../errors';

/**
 * Keys no payload has that the whitelist does not reliably catch:
 * - the names every plain object inherits: class-validator looks property names up in a plain
 *   object, so `hasOwnProperty` or `valueOf` finds the inherited member and passes as "known",
 *   and class-transformer then copies the value onto the DTO, where it shadows the method;
 * - `__proto__`, `constructor` and `prototype`, which Nest's ValidationPipe deletes without a
 *   word, so a query string carrying them would be answered as if they were not there.
 * The JSON parser already refuses the last three in bodies (400); here they are unknown fields.
 */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

type Path = ReadonlyArray<string | number>;

/**
 * What the declarative rules cannot see, found in one walk over a request's body, query or path
 * values (docs/decisions/0025):
 * - keys that name an inherited member of Object, or `prototype` (see above);
 * - text with NUL characters: Postgres text cannot hold U+0000, so storing or even comparing it
 *   fails inside the database (a 500), and no field of this API has a use for it;
 * - text with unpaired UTF-16 surrogates: JSON's `\ud800` escape produces them, but they have no
 *   UTF-8 form, so the driver would silently store U+FFFD instead of what the client sent.
 * The walk keeps its own stack: the JSON parser already bounds the depth, but query and path
 * values come from elsewhere. `at` is where the value sits, e.g. `['body']` or `['path', 'id']`.
 */
export function findUnsafeInput(value: unknown, at: Path): FieldError[] {
  const errors: FieldError[] = [];
  const pending: Array<{ value: unknown; path: Path }> = [{ value, path: at }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value: current, path } = next;
    if (typeof current === 'string') {
      const problem = textProblem(current);
      if (problem) errors.push({ loc: path, msg: problem, type: 'invalid.text' });
    } else if (Array.isArray(current)) {
      current.forEach((item, index) => pending.push({ value: item, path: [...path, index] }));
    } else if (typeof current === 'object' && current !== null) {
      for (const key of Object.keys(current)) {
        if (FORBIDDEN_KEYS.has(key)) {
          errors.push({ loc: [...path, key], msg: `property ${key} should not exist`, type: 'unknown_field' });
        } else {
          pending.push({ value: (current as Record<string, unknown>)[key], path: [...path, key] });
        }
      }
    }
  }
  return errors;
}

function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain NUL characters';
  if (LONE_SURROGATE.test(text)) return 'must be well-formed Unicode text (no unpaired surrogates)';
  return undefined;
}
