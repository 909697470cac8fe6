import { ValidationException } from '../common/errors';
import { DEFAULT_PAGE_SIZE, type PageQueryDto } from '../common/pagination';
import type { ProductQueryDto } from './dto/product-query.dto';
import { PRODUCT_SORTABLE_FIELDS, type ProductFilters } from './products.repository';

/** A list query in canonical form: the cache key and the database query are both built from it. */
export type NormalizedProductQuery = ProductFilters & PageQueryDto;

/** How the caller's feature flags shape the query. */
export interface ListQueryOptions {
  /** `q` also matches descriptions (flag `products.search-descriptions`). */
  readonly searchDescriptions: boolean;
}

/**
 * Canonical form of GET /products parameters, so requests that must return the same page share
 * one cache entry: defaults filled in (`?` = `?page=1&pageSize=20`), `name` = `name:asc`, the
 * search term lower-cased (it is matched case-insensitively anyway), plus the variant the
 * caller's feature flags select (part of the cache key). A query mixing offset and
 * cursor parameters keeps all of them, so it never shares a key with a valid one and still
 * reaches the paginator's 422.
 */
export function normalizeListQuery(
  query: ProductQueryDto,
  options: ListQueryOptions = { searchDescriptions: false },
): NormalizedProductQuery {
  ensurePriceRange(query);
  const cursorMode = query.limit !== undefined || query.cursor !== undefined;
  const offsetMode = query.page !== undefined || query.pageSize !== undefined;
  return {
    q: query.q?.toLowerCase(),
    // Only present when it changes the result, so queries of callers without the flag keep their shared entries.
    searchDescriptions: query.q !== undefined && options.searchDescriptions ? true : undefined,
    category: query.category,
    minPriceCents: query.minPriceCents,
    maxPriceCents: query.maxPriceCents,
    sort: normalizeSort(query.sort ?? PRODUCT_SORTABLE_FIELDS.defaultSort),
    page: cursorMode ? query.page : (query.page ?? 1),
    pageSize: cursorMode ? query.pageSize : (query.pageSize ?? DEFAULT_PAGE_SIZE),
    limit: offsetMode || !cursorMode ? query.limit : (query.limit ?? DEFAULT_PAGE_SIZE),
    cursor: query.cursor,
  };
}

function normalizeSort(sort: string): string {
  return sort
    .split(',')
    .map((term) => (term.includes(':') ? term : `${term}:asc`))
    .join(',');
}

function ensurePriceRange(query: ProductQueryDto): void {
  const { minPriceCents: min, maxPriceCents: max } = query;
  if (min !== undefined && max !== undefined && min > max) {
    throw ValidationException.forField(
      ['query', 'minPriceCents'],
      'must not be greater than maxPriceCents',
      'invalid.priceRange',
    );
  }
}
