import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

export type SessionMode = 'token' | 'cookie';

export class LoginQueryDto {
  @ApiPropertyOptional({
    enum: ['token', 'cookie'],
    example: 'cookie',
    description: '`cookie`: tokens are set as httpOnly cookies (web clients) and unsafe requests need a CSRF token',
  })
  @IsOptional()
  @IsIn(['token', 'cookie'])
  readonly mode?: SessionMode;
}
