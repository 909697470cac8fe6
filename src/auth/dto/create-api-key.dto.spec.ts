import { ValidationException } from '../../common/errors';
import { AppValidationPipe } from '../../common/validation';
import { CreateApiKeyDto } from './create-api-key.dto';

const base = { name: 'inventory sync', permissions: ['products:read'] };

async function errorsFor(expiresAt: unknown): Promise<ValidationException['errors']> {
  const error = await new AppValidationPipe()
    .transform({ ...base, expiresAt }, { type: 'body', metatype: CreateApiKeyDto })
    .catch((rejection: unknown) => rejection);
  expect(error).toBeInstanceOf(ValidationException);
  return (error as ValidationException).errors;
}

describe(`${CreateApiKeyDto.name}.expiresAt`, () => {
  it('turns an ISO-8601 date-time into a Date', async () => {
    const result = (await new AppValidationPipe().transform(
      { ...base, expiresAt: '2031-05-06T07:08:09.000Z' },
      { type: 'body', metatype: CreateApiKeyDto },
    )) as CreateApiKeyDto;

    expect(result.expiresAt).toEqual(new Date('2031-05-06T07:08:09.000Z'));
  });

  it.each<[string, unknown]>([
    ['an epoch number', 1e15],
    ['true', true],
    ['an array', [2031]],
    ['an object', { year: 2031 }],
    ['free text', 'next tuesday'],
    ['an impossible date', '2031-02-30T00:00:00Z'],
  ])('refuses %s with 422 instead of guessing a date', async (_label, expiresAt) => {
    expect(await errorsFor(expiresAt)).toEqual([
      { loc: ['body', 'expiresAt'], msg: 'must be an ISO-8601 date-time', type: 'invalid.isDate' },
    ]);
  });
});
