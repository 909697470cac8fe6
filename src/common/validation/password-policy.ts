import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';

export const PASSWORD_MIN_LENGTH = 10;
/** Hashing cost grows with length; a cap stops a megabyte "password" from being a DoS. */
export const PASSWORD_MAX_LENGTH = 128;

const RULES: ReadonlyArray<[RegExp, string]> = [
  [/[a-z]/, 'a lowercase letter'],
  [/[A-Z]/, 'an uppercase letter'],
  [/\d/, 'a digit'],
  [/[^A-Za-z0-9]/, 'a symbol'],
];

/**
 * The password policy of docs/api.md. Returns what is wrong (empty when the password is fine),
 * so both the DTO decorator and services that know the stored email/username can use it.
 */
export function passwordPolicyViolations(password: string, personal: readonly (string | undefined)[] = []): string[] {
  const problems: string[] = [];
  if (password.length < PASSWORD_MIN_LENGTH) problems.push(`be at least ${PASSWORD_MIN_LENGTH} characters`);
  if (password.length > PASSWORD_MAX_LENGTH) problems.push(`be at most ${PASSWORD_MAX_LENGTH} characters`);
  const missing = RULES.filter(([pattern]) => !pattern.test(password)).map(([, label]) => label);
  if (missing.length > 0) problems.push(`contain ${missing.join(', ')}`);
  const lowered = password.toLowerCase();
  if (personal.some((value) => value && value.length > 0 && lowered === value.toLowerCase())) {
    problems.push('differ from your email and username');
  }
  return problems;
}

/**
 * Applies the password policy; `personalFields` names sibling properties (email, username) the
 * password must not equal.
 */
export function MeetsPasswordPolicy(personalFields: string[] = [], options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'meetsPasswordPolicy',
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: {
        validate(value: unknown, args: ValidationArguments) {
          if (typeof value !== 'string') return false;
          const siblings = args.object as Record<string, unknown>;
          const personal = personalFields.map((field) =>
            typeof siblings[field] === 'string' ? siblings[field] : undefined,
          );
          return passwordPolicyViolations(value, personal).length === 0;
        },
        defaultMessage(args: ValidationArguments) {
          if (typeof args.value !== 'string') return 'must be a string';
          const siblings = args.object as Record<string, unknown>;
          const personal = personalFields.map((field) => siblings[field] as string | undefined);
          return `must ${passwordPolicyViolations(args.value, personal).join('; ')}`;
        },
      },
    });
}
