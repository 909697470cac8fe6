import type { Schema } from './openapi-operations';

/** An id no row has: every case that names a resource names one that does not exist. */
export const UNKNOWN_ID = '5f0c4c3e-2b1a-4d7e-9f60-0a1b2c3d4e5f';

/**
 * A value of the shape `schema` describes, from its examples and bounds. Used as the untouched
 * rest of a body while one part of it is made hostile, so the hostile part is what gets judged.
 */
export function exampleOf(schema: Schema): unknown {
  if (schema.properties) {
    return Object.fromEntries(Object.entries(schema.properties).map(([name, property]) => [name, exampleOf(property)]));
  }
  if (schema.type === 'array') {
    const item = schema.items ? exampleOf(schema.items) : 'x';
    const example = Array.isArray(schema.example) && schema.example.length > 0 ? schema.example : [item];
    return example.slice(0, Math.max(1, schema.maxItems ?? 1));
  }
  if (schema.example !== undefined) return schema.example;
  if (schema.enum) return schema.enum[0];
  if (schema.format === 'uuid') return UNKNOWN_ID;
  if (schema.format === 'date-time') return '2031-01-01T00:00:00.000Z';
  if (schema.type === 'integer' || schema.type === 'number') return schema.minimum ?? 1;
  if (schema.type === 'boolean') return true;
  return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
}

/** `exampleOf` as query-string text. */
export function exampleText(schema: Schema): string {
  const value = exampleOf(schema);
  return typeof value === 'string' ? value : JSON.stringify(value);
}
