import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, Length, MaxLength, ValidateIf } from 'class-validator';

import { IsInternationalPhone, MeetsPasswordPolicy } from '../../common/validation';
import { trimmed } from '../../common/validation/transforms';

/** PATCH /users/me. `null` clears an optional field; changing the password needs the current one. */
export class UpdateProfileDto {
  @ApiPropertyOptional({ type: String, nullable: true, example: 'Ada Lovelace', maxLength: 200 })
  @IsOptional() // also lets null through: it clears the field
  @Transform(trimmed)
  @IsString()
  @Length(1, 200)
  readonly fullName?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '+14155550123', maxLength: 32 })
  @IsOptional()
  @IsInternationalPhone()
  readonly phone?: string | null;

  @ApiPropertyOptional({ example: 'N3w-passw0rd!', minLength: 10, maxLength: 128 })
  @IsOptional()
  @MeetsPasswordPolicy()
  readonly password?: string;

  @ApiPropertyOptional({ description: 'Required when `password` is set', example: 'Old-passw0rd!', maxLength: 128 })
  @ValidateIf((dto: UpdateProfileDto) => dto.password !== undefined)
  @IsString({ message: 'is required to change the password' })
  @MaxLength(128)
  readonly currentPassword?: string;
}
