import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';

import { trimmedLowerCase } from '../../common/validation';

export class LoginDto {
  @ApiProperty({ example: 'admin@example.com', maxLength: 254 })
  @Transform(trimmedLowerCase)
  @IsEmail({}, { message: 'must be an email address' })
  @MaxLength(254)
  readonly email: string;

  @ApiProperty({ example: 'Admin#Demo2026', minLength: 1, maxLength: 128 })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  readonly password: string;
}
