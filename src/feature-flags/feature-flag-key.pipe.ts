import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';

import { ValidationException } from '../common/errors';
import { FLAG_KEY_MAX_LENGTH, FLAG_KEY_PATTERN } from './flag-limits';

/** `@Param('key', FeatureFlagKeyPipe)`: a key that could never exist is 422 (api.md), not a 404. */
@Injectable()
export class FeatureFlagKeyPipe implements PipeTransform<string, string> {
  /** What the OpenAPI document says this parameter accepts (src/bootstrap/openapi). */
  static readonly openApiSchema = { type: 'string', maxLength: FLAG_KEY_MAX_LENGTH, pattern: FLAG_KEY_PATTERN.source };

  transform(value: string, metadata: ArgumentMetadata): string {
    if (typeof value !== 'string' || value.length > FLAG_KEY_MAX_LENGTH || !FLAG_KEY_PATTERN.test(value)) {
      throw ValidationException.forField(
        ['path', metadata.data ?? 'key'],
        `must be 1-${FLAG_KEY_MAX_LENGTH} lower-case letters and digits in segments joined by ".", "_" or "-"`,
        'invalid.flagKey',
      );
    }
    return value;
  }
}
