import 'reflect-metadata';

import { IsOptional, IsString, validate } from 'class-validator';

import {
  MeetsPasswordPolicy,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  passwordPolicyViolations,
} from './password-policy';

const COMPLIANT = 'Correct-h0rse';

describe(passwordPolicyViolations.name, () => {
  const sut = passwordPolicyViolations;

  it('accepts a compliant password', () => {
    expect(sut(COMPLIANT)).toEqual([]);
  });

  it('accepts exactly the minimum and the maximum length', () => {
    expect(sut('Aa1!'.padEnd(PASSWORD_MIN_LENGTH, 'x'))).toEqual([]);
    expect(sut('Aa1!'.padEnd(PASSWORD_MAX_LENGTH, 'x'))).toEqual([]);
  });

  it(`requires at least ${PASSWORD_MIN_LENGTH} characters`, () => {
    expect(PASSWORD_MIN_LENGTH).toBe(10);
    expect(sut('Aa1!'.padEnd(9, 'x'))).toEqual(['be at least 10 characters']);
  });

  it(`allows at most ${PASSWORD_MAX_LENGTH} characters`, () => {
    expect(PASSWORD_MAX_LENGTH).toBe(128);
    expect(sut('Aa1!'.padEnd(129, 'x'))).toEqual(['be at most 128 characters']);
  });

  it.each([
    ['a lowercase letter', 'CORRECT-H0RSE'],
    ['an uppercase letter', 'correct-h0rse'],
    ['a digit', 'Correct-horse'],
    ['a symbol', 'CorrectH0rse'],
  ])('requires %s', (label, password) => {
    expect(sut(password)).toEqual([`contain ${label}`]);
  });

  it('counts a space or a non-ASCII letter as a symbol', () => {
    expect(sut('Correct h0rse')).toEqual([]);
    expect(sut('Correcth0rsé')).toEqual([]);
  });

  it('lists every missing character class in one problem', () => {
    expect(sut('abcdefghijk')).toEqual(['contain an uppercase letter, a digit, a symbol']);
  });

  it('reports length and character problems together', () => {
    expect(sut('abc')).toEqual(['be at least 10 characters', 'contain an uppercase letter, a digit, a symbol']);
  });

  it('rejects a password equal to the email or username, ignoring case', () => {
    expect(sut('Ada-Lovelace1', ['ada@example.com', 'ada-lovelace1'])).toEqual(['differ from your email and username']);
    expect(sut('Ada@Example.c0m', ['ada@example.c0m', 'ada'])).toEqual(['differ from your email and username']);
  });

  it('allows a password that merely contains the username', () => {
    expect(sut('Ada-Lovelace1!', ['ada@example.com', 'ada-lovelace1'])).toEqual([]);
  });

  it('ignores missing or empty personal values', () => {
    expect(sut(COMPLIANT, [undefined, ''])).toEqual([]);
  });
});

class SignUpDto {
  @IsString()
  email: string;

  @IsOptional()
  @IsString()
  username?: string;

  @MeetsPasswordPolicy(['email', 'username'])
  password: unknown;
}

function signUp(fields: Partial<SignUpDto>): SignUpDto {
  return Object.assign(new SignUpDto(), { email: 'ada@example.com', username: 'ada', ...fields });
}

/** The password's constraint messages after class-validator ran the decorator. */
async function passwordErrors(dto: SignUpDto): Promise<Record<string, string> | undefined> {
  const errors = await validate(dto);
  return errors.find((error) => error.property === 'password')?.constraints;
}

describe(MeetsPasswordPolicy.name, () => {
  it('accepts a compliant password', async () => {
    await expect(passwordErrors(signUp({ password: COMPLIANT }))).resolves.toBeUndefined();
  });

  it('explains every violation in its message', async () => {
    const constraints = await passwordErrors(signUp({ password: 'short' }));

    expect(Object.keys(constraints ?? {})).toEqual(['meetsPasswordPolicy']);
    expect(constraints?.meetsPasswordPolicy).toMatch(/^must /);
    expect(constraints?.meetsPasswordPolicy).toContain('at least 10 characters');
    expect(constraints?.meetsPasswordPolicy).toContain('contain an uppercase letter, a digit, a symbol');
  });

  // Bug: the length problems are phrased without a verb ("at least 10 characters"), so after the
  // "must " prefix the client reads "must at least 10 characters" / "must at most 128 characters".
  it('phrases the length rules as a sentence', async () => {
    const tooShort = await passwordErrors(signUp({ password: 'Aa1!' }));
    const tooLong = await passwordErrors(signUp({ password: 'Aa1!'.padEnd(129, 'x') }));

    expect(tooShort?.meetsPasswordPolicy).toMatch(/^must (be|have) at least 10 characters$/);
    expect(tooLong?.meetsPasswordPolicy).toMatch(/^must (be|have) at most 128 characters$/);
  });

  it('rejects a password equal to a sibling field, ignoring case', async () => {
    const dto = signUp({ email: 'Ada.Lovelace-1@example.com', password: 'ada.lovelace-1@EXAMPLE.com' });

    await expect(passwordErrors(dto)).resolves.toEqual({
      meetsPasswordPolicy: 'must differ from your email and username',
    });
  });

  it('compares with the username too', async () => {
    await expect(passwordErrors(signUp({ username: 'Ada-L0velace!', password: 'ADA-l0velace!' }))).resolves.toEqual({
      meetsPasswordPolicy: 'must differ from your email and username',
    });
  });

  it('works when a sibling field is missing', async () => {
    await expect(passwordErrors(signUp({ username: undefined, password: COMPLIANT }))).resolves.toBeUndefined();
  });

  it.each<[string, unknown]>([
    ['a number', 1234567890],
    ['null', null],
    ['an array', ['Correct-h0rse']],
  ])('rejects %s as not a string', async (_label, password) => {
    await expect(passwordErrors(signUp({ password }))).resolves.toEqual({ meetsPasswordPolicy: 'must be a string' });
  });
});
