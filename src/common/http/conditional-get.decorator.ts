import { applyDecorators, HttpStatus, SetMetadata, UseInterceptors } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';

import {
  CONDITIONAL_GET_KEY,
  ConditionalGetInterceptor,
  type ConditionalGetOptions,
} from '../interceptors/conditional-get.interceptor';

/**
 * `ETag` + `Cache-Control` on a GET route, and 304 Not Modified for a matching `If-None-Match`:
 *
 *   @ConditionalGet({ cacheControl: 'public, max-age=0, must-revalidate' })
 */
export function ConditionalGet(options: ConditionalGetOptions): MethodDecorator {
  return applyDecorators(
    SetMetadata(CONDITIONAL_GET_KEY, options),
    UseInterceptors(ConditionalGetInterceptor),
    ApiHeader({ name: 'If-None-Match', required: false, description: 'An ETag from an earlier response' }),
    ApiResponse({ status: HttpStatus.NOT_MODIFIED, description: 'Unchanged since the ETag sent; no body' }),
  );
}
