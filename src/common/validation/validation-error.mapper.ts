import type { ValidationError } from 'class-validator';

import type { FieldError } from '../errors';

/**
 * Flattens class-validator's nested errors into the contract's list:
 * `{ loc: ['body', 'items', 0, 'quantity'], msg, type }`.
 */
export function toFieldErrors(
  errors: ValidationError[],
  location: string,
  parentPath: (string | number)[] = [],
): FieldError[] {
  return errors.flatMap((error) => {
    const path = error.property === undefined ? parentPath : [...parentPath, asPathSegment(error.property)];
    // A required field that is absent fails every rule it has ("must be a string", "must be
    // shorter than …"); what is wrong is only that it is missing. (`value` is there when the
    // validator was asked to keep values, as the app's pipe is.)
    if ('value' in error && error.value === undefined && error.property !== undefined && error.constraints) {
      return [{ loc: [location, ...path], msg: 'is required', type: 'missing' }];
    }
    const own = Object.entries(error.constraints ?? {}).map(([type, msg]) => ({
      loc: [location, ...path],
      msg: humanize(msg, error.property),
      type: toErrorType(type),
    }));
    return [...own, ...toFieldErrors(error.children ?? [], location, path)];
  });
}

function asPathSegment(property: string): string | number {
  return /^\d+$/.test(property) ? Number(property) : property;
}

/** class-validator prefixes messages with the property name; the location already says it. */
function humanize(message: string, property: string | undefined): string {
  if (property && message.startsWith(`${property} `)) return message.slice(property.length + 1);
  if (message.startsWith('an unknown value was passed')) return 'must be a JSON object';
  return message;
}

const TYPE_BY_CONSTRAINT: Readonly<Record<string, string>> = {
  whitelistValidation: 'unknown_field',
  unknownValue: 'invalid_type',
  isDefined: 'missing',
  isNotEmpty: 'missing',
};

function toErrorType(constraint: string): string {
  return TYPE_BY_CONSTRAINT[constraint] ?? `invalid.${constraint}`;
}
