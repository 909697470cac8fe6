import type { Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

/** A JSON schema, as loosely typed as the OpenAPI document that holds it. */
export type Schema = Record<string, unknown>;

/**
 * The class-validator rules that JSON Schema can say, as schema keywords, so that the document
 * refuses what the global ValidationPipe refuses. Rules it cannot say (cross-field checks, custom
 * constraints) stay in the app alone, and the API reference says so (docs/api.md).
 */
const KEYWORDS_BY_RULE: Readonly<Record<string, (constraints: readonly unknown[]) => Schema | undefined>> = {
  isLength: ([min, max]) => ({ minLength: min, ...(max === undefined ? {} : { maxLength: max }) }),
  minLength: ([min]) => ({ minLength: min }),
  maxLength: ([max]) => ({ maxLength: max }),
  matches: ([pattern, flags]) => patternOf(pattern, flags),
  isUuid: () => ({ format: 'uuid' }),
  isEmail: () => ({ format: 'email' }),
  isInt: () => ({ type: 'integer' }),
  min: ([min]) => ({ minimum: min }),
  max: ([max]) => ({ maximum: max }),
  isPositive: () => ({ minimum: 0, exclusiveMinimum: true }),
  notEquals: ([value]) => ({ not: { enum: [value] } }),
  isIn: ([values]) => ({ enum: values }),
  arrayMinSize: ([min]) => ({ minItems: min }),
  arrayMaxSize: ([max]) => ({ maxItems: max }),
  arrayUnique: () => ({ uniqueItems: true }),
};

function patternOf(pattern: unknown, flags: unknown): Schema | undefined {
  if (!(pattern instanceof RegExp) || pattern.flags !== '' || (typeof flags === 'string' && flags !== '')) {
    return undefined;
  }
  return { pattern: pattern.source };
}

/**
 * Rules on the shape of a string: on a property that a @Transform rewrites first (trimmed,
 * upper-cased), they hold for the rewritten value, not for what the client sends, so the document
 * leaves them out rather than refuse input the app accepts.
 */
const STRING_SHAPE_RULES: ReadonlySet<string> = new Set([
  'matches',
  'isLength',
  'minLength',
  'maxLength',
  'isEmail',
  'isUuid',
  'isIn',
]);

/** Whether the DTO's transforms change a string before validation (asked of class-transformer itself). */
function isRewritten(dto: Type<unknown>, property: string): boolean {
  const probe = ' Probe-Value ';
  const instance = plainToInstance(dto, { [property]: probe }) as Record<string, unknown>;
  return instance[property] !== probe;
}

/** Schema keywords per property of a DTO class, from its class-validator decorators. */
export function keywordsOf(dto: Type<unknown>): Map<string, Schema> {
  const metadata: ValidationMetadata[] = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
  const byProperty = new Map<string, Schema>();
  for (const rule of metadata) {
    if (!rule.name || (STRING_SHAPE_RULES.has(rule.name) && isRewritten(dto, rule.propertyName))) continue;
    const keywords = KEYWORDS_BY_RULE[rule.name]?.(rule.constraints ?? []);
    if (!keywords) continue;
    const current = byProperty.get(rule.propertyName) ?? {};
    byProperty.set(
      rule.propertyName,
      rule.each ? { ...current, items: { ...itemsOf(current), ...keywords } } : { ...current, ...keywords },
    );
  }
  return byProperty;
}

/** Whether class-validator knows the class (an input DTO) at all. */
export function isValidatedClass(dto: Type<unknown>): boolean {
  return getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false).length > 0;
}

function itemsOf(schema: Schema): Schema {
  return typeof schema.items === 'object' && schema.items !== null ? (schema.items as Schema) : {};
}

/** Adds the keywords to a property schema; a `$ref` or `allOf` wrapper keeps the reference intact. */
export function withKeywords(schema: Schema, keywords: Schema): Schema {
  if ('$ref' in schema) return { allOf: [{ $ref: schema.$ref }], ...keywords };
  const merged: Schema = { ...schema, ...keywords };
  if (typeof keywords.items === 'object' && typeof schema.items === 'object') {
    merged.items = { ...(schema.items as Schema), ...(keywords.items as Schema) };
  }
  return merged;
}
