import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';

import { MeetsPasswordPolicy, trimmed, trimmedLowerCase } from '../../common/validation';

export class RegisterDto {
  @ApiProperty({ example: 'ada@example.com', maxLength: 254 })
  @Transform(trimmedLowerCase)
  @IsEmail({}, { message: 'must be an email address' })
  @MaxLength(254)
  readonly email: string;

  @ApiProperty({ example: 'ada', minLength: 3, maxLength: 32, pattern: '^[A-Za-z0-9_.-]+$' })
  @Transform(trimmed)
  @IsString()
  @Length(3, 32)
  @Matches(/^[A-Za-z0-9_.-]+$/, { message: 'may contain only letters, digits, _ . and -' })
  readonly username: string;

  @ApiProperty({
    example: 'Corr3ct-Horse!',
    minLength: 10,
    maxLength: 128,
    description: 'At least 10 characters with upper and lower case, a digit and a symbol; not the email or username',
  })
  @MeetsPasswordPolicy(['email', 'username'])
  readonly password: string;

  @ApiPropertyOptional({ example: 'Ada Lovelace', maxLength: 200 })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @Length(1, 200)
  readonly fullName?: string;
}
