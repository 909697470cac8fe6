import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsDate,
  IsEnum,
  IsOptional,
  IsString,
  Length,
} from 'class-validator';

import { ALL_PERMISSIONS, Permission } from '../../common/access/permissions';
import { isoDateTime, trimmed } from '../../common/validation';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'inventory sync', minLength: 1, maxLength: 100 })
  @Transform(trimmed)
  @IsString()
  @Length(1, 100)
  readonly name: string;

  @ApiProperty({
    enum: Permission,
    isArray: true,
    example: ['products:read'],
    description: 'At most the permissions you have yourself',
  })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(ALL_PERMISSIONS.length)
  @ArrayUnique()
  @IsEnum(Permission, { each: true, message: `each value must be one of ${ALL_PERMISSIONS.join(', ')}` })
  readonly permissions: Permission[];

  @ApiPropertyOptional({
    format: 'date-time',
    example: '2027-01-01T00:00:00.000Z',
    description: 'Never expires when absent',
  })
  @IsOptional()
  @Transform(isoDateTime)
  @IsDate({ message: 'must be an ISO-8601 date-time' })
  readonly expiresAt?: Date;
}
