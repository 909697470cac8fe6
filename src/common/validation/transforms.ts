import { isISO8601 } from 'class-validator';

/** class-transformer helpers for DTOs: `@Transform(trimmed)`. Non-strings pass through to fail validation. */
export const trimmed = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

export const trimmedLowerCase = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;

/**
 * `@Transform(isoDateTime)`: an ISO-8601 date-time string becomes a Date; anything else (a number,
 * `true`, an array, "next tuesday") is left as it is, so `@IsDate()` refuses it. `@Type(() => Date)`
 * would run `new Date(value)` on any of them and accept epoch numbers or `[2030]`.
 */
export const isoDateTime = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && isISO8601(value, { strict: true, strictSeparator: true }) ? new Date(value) : value;
