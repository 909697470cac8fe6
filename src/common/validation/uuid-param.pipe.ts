import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';

import { ValidationException } from '../errors';

// Spelled without the `i` flag so that the OpenAPI pattern (which has no flags) is the same rule.
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/;

/** `@Param('id', UuidParamPipe)`: a malformed id is 422 (api.md), never a database error or a 404. */
@Injectable()
export class UuidParamPipe implements PipeTransform<string, string> {
  /** What the OpenAPI document says this parameter accepts (src/bootstrap/openapi). */
  static readonly openApiSchema = { type: 'string', format: 'uuid', pattern: UUID.source };

  transform(value: string, metadata: ArgumentMetadata): string {
    if (typeof value !== 'string' || !UUID.test(value)) {
      throw ValidationException.forField(['path', metadata.data ?? 'id'], 'must be a UUID', 'invalid.isUuid');
    }
    return value.toLowerCase();
  }
}
