import { applyDecorators, HttpStatus, SetMetadata } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';

export const CONDITIONAL_GET_KEY = 'http:conditionalGet';

export interface ConditionalGetOptions {
  /** The `Cache-Control` sent with the representation and with its 304s. */
  readonly cacheControl: string;
}

/**
 * `ETag` + `Cache-Control` on a GET route, and 304 Not Modified for a matching `If-None-Match`
 * (the response interceptor does it, from the route's policy):
 *
 *   @ConditionalGet({ cacheControl: 'public, max-age=0, must-revalidate' })
 */
export function ConditionalGet(options: ConditionalGetOptions): MethodDecorator {
  return applyDecorators(
    SetMetadata(CONDITIONAL_GET_KEY, options),
    ApiHeader({ name: 'If-None-Match', required: false, description: 'An ETag from an earlier response' }),
    ApiResponse({ status: HttpStatus.NOT_MODIFIED, description: 'Unchanged since the ETag sent; no body' }),
  );
}
