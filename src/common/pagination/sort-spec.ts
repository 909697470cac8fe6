import { ValidationException } from '../errors';

type SortDirection = 'ASC' | 'DESC';

export interface SortTerm {
  /** The API field name, e.g. `priceCents`. */
  readonly field: string;
  /** The query-builder expression it maps to, e.g. `product.priceCents`. */
  readonly expression: string;
  readonly direction: SortDirection;
}

/**
 * What a resource lets clients sort by: API field -> query-builder property path. Sortable
 * columns must be NOT NULL (keyset pagination compares them), and timestamps must be stored at
 * millisecond precision (`timestamptz(3)`) so a cursor round-trips them exactly.
 */
export interface SortableFields {
  readonly fields: Readonly<Record<string, string>>;
  /** Used when the client sends no `sort`, e.g. `createdAt:desc`. */
  readonly defaultSort: string;
  /** The unique tie-breaker appended to every sort, e.g. `product.id`. */
  readonly tiebreaker: string;
}

/** Parses `sort=priceCents:desc,name` against the whitelist; an unknown or repeated field is 422. */
export function parseSort(raw: string | undefined, sortable: SortableFields): SortTerm[] {
  const terms = (raw ?? sortable.defaultSort).split(',').map((part) => toTerm(part, sortable));
  const seen = new Set<string>();
  for (const term of terms) {
    if (seen.has(term.field)) throw sortError(`repeats the field "${term.field}"`);
    seen.add(term.field);
  }
  return terms;
}

/** A stable text form of the sort, bound into cursors so a cursor cannot be replayed under another sort. */
export function sortSignature(terms: readonly SortTerm[]): string {
  return terms.map((term) => `${term.field}:${term.direction.toLowerCase()}`).join(',');
}

function toTerm(part: string, sortable: SortableFields): SortTerm {
  const [field, direction = 'asc'] = part.split(':');
  // Own keys only: `sort=constructor` must not find what every object inherits.
  const expression = Object.hasOwn(sortable.fields, field) ? sortable.fields[field] : undefined;
  if (!expression) {
    throw sortError(`cannot sort by "${field}"; sortable fields: ${Object.keys(sortable.fields).join(', ')}`);
  }
  return { field, expression, direction: direction === 'desc' ? 'DESC' : 'ASC' };
}

function sortError(msg: string): ValidationException {
  return ValidationException.forField(['query', 'sort'], msg, 'invalid.sort');
}
