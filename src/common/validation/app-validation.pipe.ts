import { ArgumentMetadata, Injectable, ValidationPipe } from '@nestjs/common';
import type { ValidationError } from 'class-validator';

import { ValidationException } from '../errors';
import { findUnsafeInput } from './unsafe-input';
import { toFieldErrors } from './validation-error.mapper';

/** Carries raw class-validator errors from the exception factory to `transform`, which knows the location. */
class UnlocatedValidationErrors extends Error {
  constructor(readonly errors: ValidationError[]) {
    super('validation failed');
  }
}

const LOCATION_BY_PARAM_TYPE: Readonly<Record<ArgumentMetadata['type'], string>> = {
  body: 'body',
  query: 'query',
  param: 'path',
  custom: 'custom',
};

/**
 * The global ValidationPipe: unknown properties are rejected (never silently stored), payloads
 * are transformed into their DTO classes, and every failure becomes a 422 VALIDATION_ERROR whose
 * `loc` starts with where the value came from. Before the declarative rules run, the values are
 * searched for what they cannot express (`findUnsafeInput`: inherited member names as keys, NUL
 * characters, unpaired surrogates). No body at all is validated as `{}`.
 */
@Injectable()
export class AppValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      stopAtFirstError: true,
      transform: true,
      transformOptions: { enableImplicitConversion: false },
      // The value is kept only so the mapper can tell a missing field from a wrong one; no value
      // reaches the response (toFieldErrors reads it, never copies it).
      validationError: { target: false, value: true },
      exceptionFactory: (errors) => new UnlocatedValidationErrors(errors),
    });
  }

  override async transform(received: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // A request without a body (what a browser sends for a bare POST, with no content type) is
    // an empty object: DTOs whose fields are all optional accept it, the others name what is missing.
    const value = metadata.type === 'body' && received === undefined ? {} : received;
    if (metadata.type === 'body' && this.expectsObject(metadata) && !isPlainObject(value)) {
      throw ValidationException.forField(['body'], 'must be a JSON object', 'invalid_type');
    }
    if (metadata.type !== 'custom') {
      const at = [LOCATION_BY_PARAM_TYPE[metadata.type], ...(metadata.data ? [metadata.data] : [])];
      const unsafe = findUnsafeInput(value, at);
      if (unsafe.length > 0) throw new ValidationException(unsafe);
    }
    try {
      return await super.transform(value, metadata);
    } catch (error) {
      if (error instanceof UnlocatedValidationErrors) {
        throw new ValidationException(toFieldErrors(error.errors, LOCATION_BY_PARAM_TYPE[metadata.type]));
      }
      throw error;
    }
  }

  /** A DTO class (not a primitive, not an array) is declared for this argument. */
  private expectsObject(metadata: ArgumentMetadata): boolean {
    return metadata.metatype !== undefined && this.toValidate(metadata) && metadata.metatype !== Array;
  }
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
