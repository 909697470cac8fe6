/** What the pagination tests compare: a product as the API lists it. */
export interface ListedProduct {
  readonly id: string;
  readonly name: string;
  readonly priceCents: number;
  readonly createdAt: string;
}

type SortField = 'name' | 'priceCents' | 'createdAt';
export type SortTerm = readonly [SortField, 'asc' | 'desc'];

export function sortParam(terms: readonly SortTerm[]): string {
  return terms.map(([field, direction]) => `${field}:${direction}`).join(',');
}

/**
 * The order the API promises: the requested terms, then the id in the direction of the last term.
 * Names in these tests are lower-case ASCII, whose order is the same under every collation;
 * timestamps are ISO strings of one format; ids are lower-case UUIDs (Postgres orders uuids bytewise).
 */
export function compareListed(terms: readonly SortTerm[]): (a: ListedProduct, b: ListedProduct) => number {
  return (a, b) => {
    for (const [field, direction] of terms) {
      const order = compareValues(a[field], b[field]);
      if (order !== 0) return direction === 'asc' ? order : -order;
    }
    const order = compareValues(a.id, b.id);
    return terms[terms.length - 1][1] === 'asc' ? order : -order;
  };
}

function compareValues(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
