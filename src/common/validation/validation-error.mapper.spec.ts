import 'reflect-metadata';

import { plainToInstance, Type } from 'class-transformer';
import {
  IsArray,
  IsInt,
  IsNotEmpty,
  IsString,
  Min,
  ValidateNested,
  validateSync,
  type ValidationError,
} from 'class-validator';

import { toFieldErrors } from './validation-error.mapper';

class LineDto {
  @IsInt()
  @Min(1)
  quantity: number;
}

class OrderDto {
  @IsString()
  @IsNotEmpty()
  customer: string;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => LineDto)
  items: LineDto[];
}

function errorsOf(plain: object): ValidationError[] {
  return validateSync(plainToInstance(OrderDto, plain), {
    whitelist: true,
    forbidNonWhitelisted: true,
    stopAtFirstError: true,
    validationError: { target: false, value: true },
  });
}

describe(toFieldErrors.name, () => {
  const sut = toFieldErrors;

  it('returns an empty list for no errors', () => {
    expect(sut([], 'body')).toEqual([]);
  });

  it('locates a top-level property under the given location, without the property name in the message', () => {
    const result = sut(errorsOf({ customer: 42, items: [] }), 'body');

    expect(result).toEqual([{ loc: ['body', 'customer'], msg: 'must be a string', type: 'invalid.isString' }]);
  });

  it('says a missing field is required, instead of the first rule it fails', () => {
    const result = sut(errorsOf({ items: [{}] }), 'body');

    expect(result).toEqual([
      { loc: ['body', 'customer'], msg: 'is required', type: 'missing' },
      { loc: ['body', 'items', 0, 'quantity'], msg: 'is required', type: 'missing' },
    ]);
  });

  it('reports the broken rule, never the value, for a field that is present', () => {
    const result = sut(errorsOf({ customer: 'secret-value', items: [{ quantity: 0 }] }), 'body');

    expect(JSON.stringify(result)).not.toContain('secret-value');
    expect(result).toEqual([
      { loc: ['body', 'items', 0, 'quantity'], msg: 'must not be less than 1', type: 'invalid.min' },
    ]);
  });

  it('locates a property of a nested array element with a numeric index', () => {
    const result = sut(errorsOf({ customer: 'ada', items: [{ quantity: 2 }, { quantity: 0 }] }), 'body');

    expect(result).toEqual([
      { loc: ['body', 'items', 1, 'quantity'], msg: 'must not be less than 1', type: 'invalid.min' },
    ]);
  });

  it('reports every failing element', () => {
    const result = sut(errorsOf({ customer: 'ada', items: [{ quantity: 'x' }, { quantity: -1 }] }), 'query');

    expect(result.map((error) => error.loc)).toEqual([
      ['query', 'items', 0, 'quantity'],
      ['query', 'items', 1, 'quantity'],
    ]);
  });

  it('types an unknown property as unknown_field', () => {
    const result = sut(errorsOf({ customer: 'ada', items: [], isAdmin: true }), 'body');

    expect(result).toEqual([
      { loc: ['body', 'isAdmin'], msg: expect.stringContaining('isAdmin'), type: 'unknown_field' },
    ]);
  });

  it('types missing values as missing', () => {
    const errors: ValidationError[] = [
      { property: 'customer', constraints: { isNotEmpty: 'customer should not be empty' } },
    ];

    expect(sut(errors, 'body')).toEqual([{ loc: ['body', 'customer'], msg: 'should not be empty', type: 'missing' }]);
  });

  it('turns the unknown-value error of a non-object into "must be a JSON object"', () => {
    class Undecorated {}
    const errors = validateSync(new Undecorated(), { forbidUnknownValues: true });

    expect(sut(errors, 'body')).toEqual([{ loc: ['body'], msg: 'must be a JSON object', type: 'invalid_type' }]);
  });

  it('keeps a message that does not start with the property name', () => {
    const errors: ValidationError[] = [{ property: 'email', constraints: { isEmail: 'is not an address we accept' } }];

    expect(sut(errors, 'body')[0].msg).toBe('is not an address we accept');
  });

  it('lists one entry per failed constraint when several are reported', () => {
    const errors: ValidationError[] = [
      { property: 'code', constraints: { isString: 'code must be a string', length: 'code must be 3 characters' } },
    ];

    expect(sut(errors, 'path')).toEqual([
      { loc: ['path', 'code'], msg: 'must be a string', type: 'invalid.isString' },
      { loc: ['path', 'code'], msg: 'must be 3 characters', type: 'invalid.length' },
    ]);
  });
});
