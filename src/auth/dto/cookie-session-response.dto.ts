import { ApiProperty } from '@nestjs/swagger';

/**
 * Cookie mode (`?mode=cookie`): the tokens travel in httpOnly cookies, never in the body; unsafe
 * requests must send `csrfToken` back in `X-CSRF-Token`.
 */
export class CookieSessionResponseDto {
  @ApiProperty({ description: 'Seconds until the access cookie expires', example: 900 })
  readonly expiresIn: number;

  @ApiProperty({ description: 'Send as `X-CSRF-Token` on POST, PUT, PATCH and DELETE', example: 'mQ3…Jk.8sd…Q' })
  readonly csrfToken: string;
}
