import { ValidationException } from '../common/errors';
import type { ProductQueryDto } from './dto/product-query.dto';
import { normalizeListQuery } from './product-list-query';

const query = (fields: Partial<ProductQueryDto>): ProductQueryDto => fields;

describe('normalizeListQuery', () => {
  it('fills in the offset defaults and the default sort', () => {
    expect(normalizeListQuery(query({}))).toEqual({
      sort: 'createdAt:desc',
      page: 1,
      pageSize: 20,
    });
  });

  it('gives equivalent queries equal forms', () => {
    const a = normalizeListQuery(query({ sort: 'name,priceCents:desc', q: 'MUG' }));
    const b = normalizeListQuery(query({ sort: 'name:asc,priceCents:desc', q: 'mug', page: 1, pageSize: 20 }));

    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('fills in the cursor-mode default and no offset fields', () => {
    expect(normalizeListQuery(query({ cursor: 'abc' }))).toMatchObject({ cursor: 'abc', limit: 20 });
    expect(normalizeListQuery(query({ cursor: 'abc' })).page).toBeUndefined();
  });

  it('keeps every field of a query that mixes the modes, so it reaches the paginator (422) and no cached page', () => {
    expect(normalizeListQuery(query({ page: 2, limit: 5 }))).toMatchObject({ page: 2, limit: 5 });
    expect(normalizeListQuery(query({ page: 2, limit: 5 })).pageSize).toBeUndefined();
  });

  it('marks a search that also matches descriptions, so it gets a cache entry of its own', () => {
    const plain = normalizeListQuery(query({ q: 'mug' }));
    const broad = normalizeListQuery(query({ q: 'mug' }), { searchDescriptions: true });

    expect(broad).toMatchObject({ q: 'mug', searchDescriptions: true });
    expect(JSON.stringify(plain)).not.toBe(JSON.stringify(broad));
  });

  it('ignores the description search when there is no search term (the result is the same)', () => {
    expect(JSON.stringify(normalizeListQuery(query({}), { searchDescriptions: true }))).toBe(
      JSON.stringify(normalizeListQuery(query({}))),
    );
  });

  it('refuses a minimum price above the maximum', () => {
    expect(() => normalizeListQuery(query({ minPriceCents: 500, maxPriceCents: 100 }))).toThrow(ValidationException);
    expect(normalizeListQuery(query({ minPriceCents: 100, maxPriceCents: 100 }))).toMatchObject({
      minPriceCents: 100,
      maxPriceCents: 100,
    });
  });
});
