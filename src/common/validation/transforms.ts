/** class-transformer helpers for DTOs: `@Transform(trimmed)`. Non-strings pass through to fail validation. */
export const trimmed = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

export const trimmedLowerCase = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;
