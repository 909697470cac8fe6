import { type ArgumentMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';

import { ErrorCode, ValidationException } from '../errors';
import { UuidParamPipe } from './uuid-param.pipe';

const param = (data?: string): ArgumentMetadata => ({ type: 'param', metatype: String, data });

/** The ValidationException thrown by `action`; fails the test when nothing is thrown. */
function thrownBy(action: () => unknown): ValidationException {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationException);
    return error as ValidationException;
  }
  throw new Error('expected a ValidationException');
}

describe(UuidParamPipe.name, () => {
  let sut: UuidParamPipe;

  beforeEach(async () => {
    const moduleRef = await Test.createTestingModule({ providers: [UuidParamPipe] }).compile();
    sut = moduleRef.get(UuidParamPipe);
  });

  it.each([
    '0b6f1c52-6a4e-4c59-9d0e-1f6a2b3c4d5e', // v4
    '017f22e2-79b0-7cc3-98c4-dc0c0c07398f', // v7
    '6ba7b810-9dad-11d1-80b4-00c04fd430c8', // v1
  ])('accepts the UUID %s', (uuid) => {
    expect(sut.transform(uuid, param('id'))).toBe(uuid);
  });

  it('lower-cases an upper-case UUID', () => {
    expect(sut.transform('0B6F1C52-6A4E-4C59-9D0E-1F6A2B3C4D5E', param('id'))).toBe(
      '0b6f1c52-6a4e-4c59-9d0e-1f6a2b3c4d5e',
    );
  });

  it.each([
    ['an empty string', ''],
    ['a number-like id', '42'],
    ['a UUID without dashes', '0b6f1c526a4e4c599d0e1f6a2b3c4d5e'],
    ['a UUID in braces', '{0b6f1c52-6a4e-4c59-9d0e-1f6a2b3c4d5e}'],
    ['a UUID with trailing text', '0b6f1c52-6a4e-4c59-9d0e-1f6a2b3c4d5e/../x'],
    ['a UUID with a newline', '0b6f1c52-6a4e-4c59-9d0e-1f6a2b3c4d5e\n'],
    ['a non-hex character', '0b6f1c52-6a4e-4c59-9d0e-1f6a2b3c4d5g'],
    ['an invalid variant', '0b6f1c52-6a4e-4c59-cd0e-1f6a2b3c4d5e'],
    ['the nil UUID', '00000000-0000-0000-0000-000000000000'],
    ['an SQL fragment', "' OR 1=1 --"],
  ])('rejects %s with a 422 located at the parameter', (_label, value) => {
    const error = thrownBy(() => sut.transform(value, param('orderId')));

    expect(error.code).toBe(ErrorCode.ValidationError);
    expect(error.errors).toEqual([{ loc: ['path', 'orderId'], msg: 'must be a UUID', type: 'invalid.isUuid' }]);
  });

  it('rejects a value that is not a string', () => {
    const error = thrownBy(() =>
      sut.transform(['0b6f1c52-6a4e-4c59-9d0e-1f6a2b3c4d5e'] as unknown as string, param('id')),
    );

    expect(error.errors[0].loc).toEqual(['path', 'id']);
  });

  it('names the parameter "id" when the metadata carries no name', () => {
    const error = thrownBy(() => sut.transform('nope', param()));

    expect(error.errors[0].loc).toEqual(['path', 'id']);
  });
});
