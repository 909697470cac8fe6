import { ErrorCode, ValidationException } from '../errors';
import { parseSort, type SortableFields, sortSignature } from './sort-spec';

const sortable: SortableFields = {
  fields: { name: 'product.name', priceCents: 'product.priceCents', createdAt: 'product.createdAt' },
  defaultSort: 'createdAt:desc',
  tiebreaker: 'product.id',
};

function sortErrorOf(raw: string): ValidationException {
  try {
    parseSort(raw, sortable);
  } catch (error) {
    return error as ValidationException;
  }
  throw new Error(`"${raw}" was accepted`);
}

describe(parseSort.name, () => {
  const sut = parseSort;

  it('maps whitelisted fields to their expressions, ascending unless told otherwise', () => {
    expect(sut('priceCents:desc,name', sortable)).toEqual([
      { field: 'priceCents', expression: 'product.priceCents', direction: 'DESC' },
      { field: 'name', expression: 'product.name', direction: 'ASC' },
    ]);
  });

  it('falls back to the default sort', () => {
    expect(sortSignature(sut(undefined, sortable))).toBe('createdAt:desc');
  });

  it.each(['constructor', 'toString:asc', 'hasOwnProperty', '__proto__', 'valueOf:desc', 'sku'])(
    'refuses "%s" with 422 (inherited members of the whitelist object are not fields)',
    (raw) => {
      const error = sortErrorOf(raw);

      expect(error).toBeInstanceOf(ValidationException);
      expect(error.code).toBe(ErrorCode.ValidationError);
      expect(error.errors).toEqual([{ loc: ['query', 'sort'], msg: expect.any(String), type: 'invalid.sort' }]);
    },
  );

  it('refuses a repeated field', () => {
    expect(sortErrorOf('name:asc,name:desc').errors[0].msg).toBe('repeats the field "name"');
  });
});
