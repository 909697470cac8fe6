import { Injectable } from '@nestjs/common';
import { Brackets, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';

import { ValidationException } from '../errors';
import { CursorCodec, type CursorPosition } from './cursor-codec';
import type { CursorPageMetaDto, OffsetPageMetaDto } from './page-meta.dto';
import { DEFAULT_PAGE_SIZE, type PageQueryDto } from './page-query.dto';
import { parseSort, type SortableFields, sortSignature, type SortTerm } from './sort-spec';

/** Deeper than this, OFFSET scans too many rows to be a fair request: clients use the cursor instead. */
const MAX_OFFSET_ROWS = 100_000;

export interface Page<T> {
  readonly items: T[];
  readonly meta: OffsetPageMetaDto | CursorPageMetaDto;
}

type Row = ObjectLiteral & { id: string };

/**
 * Offset and cursor (keyset) pagination over a TypeORM query builder that already carries the
 * resource's filters. Keyset pages order by the requested fields plus the id, and continue
 * strictly after the last row seen, so rows inserted or deleted between pages cause neither
 * duplicates nor gaps, and page 1000 costs what page 1 does (given an index per sort order).
 */
@Injectable()
export class Paginator {
  constructor(private readonly cursors: CursorCodec) {}

  async paginate<T extends Row>(
    query: SelectQueryBuilder<T>,
    params: PageQueryDto,
    sortable: SortableFields,
  ): Promise<Page<T>> {
    const terms = parseSort(params.sort, sortable);
    if (isCursorMode(params)) return this.cursorPage(query, params, terms, sortable);
    return this.offsetPage(query, params, terms, sortable);
  }

  private async offsetPage<T extends Row>(
    query: SelectQueryBuilder<T>,
    params: PageQueryDto,
    terms: SortTerm[],
    sortable: SortableFields,
  ): Promise<Page<T>> {
    const page = params.page ?? 1;
    const pageSize = params.pageSize ?? DEFAULT_PAGE_SIZE;
    if ((page - 1) * pageSize > MAX_OFFSET_ROWS) {
      throw ValidationException.forField(
        ['query', 'page'],
        `is too deep; use cursor pagination beyond ${MAX_OFFSET_ROWS} rows`,
        'invalid.page',
      );
    }
    applyOrder(query, terms, sortable.tiebreaker);
    const [items, total] = await query
      .offset((page - 1) * pageSize)
      .limit(pageSize)
      .getManyAndCount();
    const pages = Math.ceil(total / pageSize);
    return { items, meta: { page, pageSize, total, pages, hasNext: page < pages, hasPrev: page > 1 } };
  }

  private async cursorPage<T extends Row>(
    query: SelectQueryBuilder<T>,
    params: PageQueryDto,
    terms: SortTerm[],
    sortable: SortableFields,
  ): Promise<Page<T>> {
    const limit = params.limit ?? DEFAULT_PAGE_SIZE;
    const signature = sortSignature(terms);
    if (params.cursor) applyKeyset(query, terms, sortable.tiebreaker, this.cursors.decode(params.cursor, signature));
    applyOrder(query, terms, sortable.tiebreaker);
    const rows = await query.limit(limit + 1).getMany();
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    const hasNext = rows.length > limit && last !== undefined;
    const nextCursor = hasNext
      ? this.cursors.encode({ sort: signature, values: terms.map((term) => sortValue(last, term)), id: last.id })
      : null;
    return { items, meta: { limit, nextCursor, hasNext } };
  }
}

function isCursorMode(params: PageQueryDto): boolean {
  const offset = params.page !== undefined || params.pageSize !== undefined;
  const cursor = params.limit !== undefined || params.cursor !== undefined;
  if (offset && cursor) {
    throw ValidationException.forField(
      ['query'],
      'use either page/pageSize or limit/cursor, not both',
      'invalid.paginationMode',
    );
  }
  return cursor;
}

function applyOrder(query: SelectQueryBuilder<ObjectLiteral>, terms: SortTerm[], tiebreaker: string): void {
  terms.forEach((term, index) =>
    index === 0 ? query.orderBy(term.expression, term.direction) : query.addOrderBy(term.expression, term.direction),
  );
  query.addOrderBy(tiebreaker, terms.at(-1)?.direction ?? 'ASC');
}

/**
 * `(a, b, id) after (x, y, z)` for mixed directions, as the expanded OR of prefixes:
 * a ⋗ x OR (a = x AND b ⋗ y) OR (a = x AND b = y AND id ⋗ z), where ⋗ is > ascending, < descending.
 * The OR alone is no index condition: Postgres would walk the index from its start and filter out
 * every row already seen, so page N would cost like OFFSET. The redundant `a ⋗= x` it implies is
 * one, and makes the scan start at the cursor.
 */
function applyKeyset(
  query: SelectQueryBuilder<ObjectLiteral>,
  terms: SortTerm[],
  tiebreaker: string,
  position: CursorPosition,
): void {
  if (position.values.length !== terms.length) {
    throw ValidationException.forField(['query', 'cursor'], 'is not a valid cursor', 'invalid.cursor');
  }
  const columns = [
    ...terms.map((term, i) => ({ ...term, value: position.values[i] })),
    {
      field: 'id',
      expression: tiebreaker,
      direction: terms.at(-1)?.direction ?? 'ASC',
      value: position.id,
    },
  ];
  const [leading] = columns;
  query.andWhere(`${leading.expression} ${leading.direction === 'ASC' ? '>=' : '<='} :cursor_0`);
  query.andWhere(
    new Brackets((outer) => {
      columns.forEach((column, i) => {
        outer.orWhere(
          new Brackets((inner) => {
            columns.slice(0, i).forEach((equal, j) => inner.andWhere(`${equal.expression} = :cursor_${j}`));
            inner.andWhere(`${column.expression} ${column.direction === 'ASC' ? '>' : '<'} :cursor_${i}`);
          }),
        );
      });
    }),
  );
  query.setParameters(Object.fromEntries(columns.map((column, i) => [`cursor_${i}`, column.value])));
}

function sortValue(row: Row, term: SortTerm): string | number {
  const property = term.expression.slice(term.expression.indexOf('.') + 1);
  const value: unknown = row[property];
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string' || typeof value === 'number') return value;
  throw new Error(
    `Sort field "${term.field}" has no comparable value (${typeof value}); sortable columns must be NOT NULL`,
  );
}
