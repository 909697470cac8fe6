import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';

import { ValidationException } from '../errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** `@Param('id', UuidParamPipe)`: a malformed id is 422 (api.md), never a database error or a 404. */
@Injectable()
export class UuidParamPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (typeof value !== 'string' || !UUID.test(value)) {
      throw ValidationException.forField(['path', metadata.data ?? 'id'], 'must be a UUID', 'invalid.isUuid');
    }
    return value.toLowerCase();
  }
}
