import { ApiProperty } from '@nestjs/swagger';

export class TokenResponseDto {
  @ApiProperty({ description: 'JWT for `Authorization: Bearer`', example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…' })
  readonly accessToken: string;

  @ApiProperty({
    description: 'Exchange it at POST /auth/refresh for a new pair; each one works once',
    example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…',
  })
  readonly refreshToken: string;

  @ApiProperty({ example: 'Bearer' })
  readonly tokenType: 'Bearer';

  @ApiProperty({ description: 'Seconds until the access token expires', example: 900 })
  readonly expiresIn: number;
}
