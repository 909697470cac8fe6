import { applyDecorators, HttpStatus, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';

import { type ErrorCode, HTTP_STATUS_BY_ERROR_CODE } from '../errors';
import { ErrorEnvelopeDto } from './error-envelope.dto';

interface EnvelopeOptions {
  readonly status?: HttpStatus;
  readonly description?: string;
  /** A list, with the pagination `meta` of `metaModel` (one of several, e.g. offset or cursor meta). */
  readonly metaModel?: Type<unknown> | readonly Type<unknown>[];
  /** A list without pagination: `data` is an array of `model`. */
  readonly isArray?: boolean;
}

/**
 * Documents a success response as the `{ success, data, meta? }` envelope around `model` (or one
 * of several models, when the route answers differently by mode).
 */
export function ApiEnvelope(
  model: Type<unknown> | readonly Type<unknown>[],
  options: EnvelopeOptions = {},
): MethodDecorator & ClassDecorator {
  const variants = [model].flat();
  const item =
    variants.length === 1
      ? { $ref: getSchemaPath(variants[0]) }
      : { oneOf: variants.map((variant) => ({ $ref: getSchemaPath(variant) })) };
  const data = options.metaModel || options.isArray ? { type: 'array', items: item } : item;
  const properties: Record<string, object> = { success: { type: 'boolean', example: true }, data };
  const metaModels = options.metaModel ? [options.metaModel].flat() : [];
  const metaRefs = metaModels.map((meta) => ({ $ref: getSchemaPath(meta) }));
  if (metaRefs.length > 0) properties.meta = metaRefs.length === 1 ? metaRefs[0] : { oneOf: metaRefs };
  const models = [...variants, ...metaModels];
  return applyDecorators(
    ApiExtraModels(...models),
    ApiResponse({
      status: options.status ?? HttpStatus.OK,
      description: options.description,
      schema: { type: 'object', required: Object.keys(properties), properties },
    }),
  );
}

/** Documents the error responses a route can give, grouped by HTTP status. */
export function ApiErrors(...codes: ErrorCode[]): MethodDecorator & ClassDecorator {
  const byStatus = new Map<HttpStatus, ErrorCode[]>();
  for (const code of codes) {
    const status = HTTP_STATUS_BY_ERROR_CODE[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return applyDecorators(
    ...[...byStatus].map(([status, grouped]) =>
      ApiResponse({ status, type: ErrorEnvelopeDto, description: grouped.join(' | ') }),
    ),
  );
}
