import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/** POST /auth/refresh and /auth/logout. Cookie-mode clients leave it out: the refresh cookie is used. */
export class RefreshTokenDto {
  @ApiPropertyOptional({ example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…', maxLength: 4096 })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  readonly refreshToken?: string;
}
