import { parse as parseQueryString } from 'node:querystring';

import { type ArgumentMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Type } from 'class-transformer';
import { IsArray, IsInt, IsOptional, IsString, IsUUID, Min, MinLength, ValidateNested } from 'class-validator';

import { ErrorCode, type FieldError, ValidationException } from '../errors';
import { AppValidationPipe } from './app-validation.pipe';

class LineDto {
  @IsInt()
  @Min(1)
  quantity: number;
}

class CreateOrderDto {
  @IsString()
  @MinLength(3)
  customer: string;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => LineDto)
  items: LineDto[];
}

class ListQueryDto {
  @IsOptional()
  @IsInt()
  page?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  limit?: number;
}

class OrderParamsDto {
  @IsUUID()
  orderId: string;
}

const body = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type: 'body', metatype });

/** The field errors of the ValidationException that `promise` rejects with. */
async function fieldErrorsOf(promise: Promise<unknown>): Promise<readonly FieldError[]> {
  const error = await promise.catch((rejection: unknown) => rejection);
  expect(error).toBeInstanceOf(ValidationException);
  const validation = error as ValidationException;
  expect(validation.code).toBe(ErrorCode.ValidationError);
  return validation.errors;
}

describe(AppValidationPipe.name, () => {
  let sut: AppValidationPipe;

  beforeEach(async () => {
    const moduleRef = await Test.createTestingModule({ providers: [AppValidationPipe] }).compile();
    sut = moduleRef.get(AppValidationPipe);
  });

  it('transforms a valid body into an instance of its DTO, nested elements included', async () => {
    const result = await sut.transform({ customer: 'ada', items: [{ quantity: 2 }] }, body(CreateOrderDto));

    expect(result).toBeInstanceOf(CreateOrderDto);
    expect(result).toEqual({ customer: 'ada', items: [{ quantity: 2 }] });
    expect((result as CreateOrderDto).items[0]).toBeInstanceOf(LineDto);
  });

  it('locates an error inside a nested array element', async () => {
    const errors = await fieldErrorsOf(
      sut.transform({ customer: 'ada', items: [{ quantity: 1 }, { quantity: 0 }] }, body(CreateOrderDto)),
    );

    expect(errors).toEqual([
      { loc: ['body', 'items', 1, 'quantity'], msg: 'must not be less than 1', type: 'invalid.min' },
    ]);
  });

  it('rejects unknown properties, also inside nested elements', async () => {
    const errors = await fieldErrorsOf(
      sut.transform({ customer: 'ada', isAdmin: true, items: [{ quantity: 1, price: 0 }] }, body(CreateOrderDto)),
    );

    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ loc: ['body', 'isAdmin'], type: 'unknown_field' }),
        expect.objectContaining({ loc: ['body', 'items', 0, 'price'], type: 'unknown_field' }),
      ]),
    );
    expect(errors).toHaveLength(2);
  });

  it('reports one message per property (stopAtFirstError)', async () => {
    const errors = await fieldErrorsOf(
      sut.transform({ customer: 7, items: [{ quantity: 'x' }] }, body(CreateOrderDto)),
    );

    expect(errors.map((error) => error.loc)).toEqual([
      ['body', 'customer'],
      ['body', 'items', 0, 'quantity'],
    ]);
  });

  it('reports every missing required property', async () => {
    const errors = await fieldErrorsOf(sut.transform({}, body(CreateOrderDto)));

    expect(errors.map((error) => error.loc)).toEqual([
      ['body', 'customer'],
      ['body', 'items'],
    ]);
  });

  it.each<[string, unknown]>([
    ['an array', [{ customer: 'ada', items: [] }]],
    ['a string', 'customer=ada'],
    ['a number', 42],
    ['null', null],
  ])('rejects %s as a body for a DTO with one error at ["body"]', async (_label, value) => {
    const errors = await fieldErrorsOf(sut.transform(value, body(CreateOrderDto)));

    expect(errors).toEqual([{ loc: ['body'], msg: 'must be a JSON object', type: 'invalid_type' }]);
  });

  it('validates a missing body as an empty object: each required field is named', async () => {
    const errors = await fieldErrorsOf(sut.transform(undefined, body(CreateOrderDto)));

    expect(errors.map((error) => error.loc)).toEqual(expect.arrayContaining([['body', 'customer']]));
  });

  it('locates query errors under "query" and does not convert query strings implicitly', async () => {
    const errors = await fieldErrorsOf(sut.transform({ page: '2' }, { type: 'query', metatype: ListQueryDto }));

    expect(errors).toEqual([{ loc: ['query', 'page'], msg: expect.any(String), type: 'invalid.isInt' }]);
  });

  it('converts a query property that declares its type', async () => {
    const result = await sut.transform({ limit: '20' }, { type: 'query', metatype: ListQueryDto });

    expect(result).toBeInstanceOf(ListQueryDto);
    expect(result).toEqual({ limit: 20 });
  });

  it('locates route parameter errors under "path"', async () => {
    const errors = await fieldErrorsOf(
      sut.transform({ orderId: 'not-a-uuid' }, { type: 'param', metatype: OrderParamsDto }),
    );

    expect(errors).toEqual([{ loc: ['path', 'orderId'], msg: expect.any(String), type: 'invalid.isUuid' }]);
  });

  it('passes values without a DTO through untouched', async () => {
    await expect(sut.transform('ada', { type: 'body', metatype: String, data: 'customer' })).resolves.toBe('ada');
    await expect(sut.transform([1, 2], body(Array))).resolves.toEqual([1, 2]);
  });
});

describe(`${AppValidationPipe.name}: input the declarative rules cannot see`, () => {
  let sut: AppValidationPipe;

  beforeEach(async () => {
    const moduleRef = await Test.createTestingModule({ providers: [AppValidationPipe] }).compile();
    sut = moduleRef.get(AppValidationPipe);
  });

  it.each(['constructor', 'hasOwnProperty', 'toString', 'valueOf', '__defineGetter__'])(
    'refuses the inherited member name "%s" as a key, also inside nested elements',
    async (key) => {
      const top = await fieldErrorsOf(sut.transform({ customer: 'ada', items: [], [key]: 1 }, body(CreateOrderDto)));
      const nested = await fieldErrorsOf(
        sut.transform({ customer: 'ada', items: [{ quantity: 1, [key]: 'x' }] }, body(CreateOrderDto)),
      );

      expect(top).toEqual([{ loc: ['body', key], msg: `property ${key} should not exist`, type: 'unknown_field' }]);
      expect(nested).toEqual([
        { loc: ['body', 'items', 0, key], msg: `property ${key} should not exist`, type: 'unknown_field' },
      ]);
    },
  );

  it('refuses "__proto__", "constructor" and "prototype" query keys instead of dropping them silently', async () => {
    const query = parseQueryString('limit=2&__proto__=a&__proto__=b&constructor=x&prototype=y');

    const errors = await fieldErrorsOf(sut.transform(query, { type: 'query', metatype: ListQueryDto }));

    expect(errors.map((error) => error.loc)).toEqual(
      expect.arrayContaining([
        ['query', '__proto__'],
        ['query', 'constructor'],
        ['query', 'prototype'],
      ]),
    );
  });

  it.each<[string, string]>([
    ['a NUL character', 'ada\u0000'],
    ['an unpaired high surrogate', 'ada\ud800'],
    ['an unpaired low surrogate', '\udc00ada'],
    ['surrogates in the wrong order', 'a\udc00\ud800'],
  ])('refuses text with %s wherever it sits', async (_label, text) => {
    const inBody = await fieldErrorsOf(sut.transform({ customer: text, items: [] }, body(CreateOrderDto)));
    const inArray = await fieldErrorsOf(sut.transform([text], { type: 'body', metatype: Array }));
    const inPath = await fieldErrorsOf(sut.transform(text, { type: 'param', metatype: String, data: 'id' }));

    expect(inBody).toEqual([{ loc: ['body', 'customer'], msg: expect.any(String), type: 'invalid.text' }]);
    expect(inArray).toEqual([{ loc: ['body', 0], msg: expect.any(String), type: 'invalid.text' }]);
    expect(inPath).toEqual([{ loc: ['path', 'id'], msg: expect.any(String), type: 'invalid.text' }]);
  });

  it('accepts well-formed text of every plane, right-to-left marks and emoji included', async () => {
    const customer = 'Ada \u202eevil\u202c 😀 👩‍👩‍👧 中文 עברית e\u0301';

    const result = await sut.transform({ customer, items: [] }, body(CreateOrderDto));

    expect(result).toEqual({ customer, items: [] });
  });

  it('leaves custom parameters (headers, the current user) to their own checks', async () => {
    await expect(sut.transform('a\u0000', { type: 'custom', metatype: String })).resolves.toBe('a\u0000');
  });
});
