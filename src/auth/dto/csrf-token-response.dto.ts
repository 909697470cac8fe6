import { ApiProperty } from '@nestjs/swagger';

export class CsrfTokenResponseDto {
  @ApiProperty({
    description: 'Bound to the caller’s cookie session; send as `X-CSRF-Token` on unsafe requests',
    example: 'mQ3…Jk.8sd…Q',
  })
  readonly csrfToken: string;
}
