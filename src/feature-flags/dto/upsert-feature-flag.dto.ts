import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

import { trimmed } from '../../common/validation/transforms';
import { FLAG_DESCRIPTION_MAX_LENGTH, MAX_ALLOWED_USERS } from '../flag-limits';

const lowerCasedItems = ({ value }: { value: unknown }): unknown =>
  Array.isArray(value)
    ? value.map((item: unknown) => (typeof item === 'string' ? item.trim().toLowerCase() : item))
    : value;

/**
 * PUT /admin/feature-flags/:key: the whole flag (created when the key is new). Omitted optional
 * fields take their defaults, so the body alone says what the flag does.
 */
export class UpsertFeatureFlagDto {
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'Search matches product descriptions as well as names and skus',
    maxLength: FLAG_DESCRIPTION_MAX_LENGTH,
  })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @MaxLength(FLAG_DESCRIPTION_MAX_LENGTH)
  readonly description?: string | null;

  @ApiProperty({ example: true, description: 'The kill switch: false turns the feature off for everyone' })
  @IsBoolean()
  readonly enabled: boolean;

  @ApiPropertyOptional({
    type: 'integer',
    example: 25,
    minimum: 0,
    maximum: 100,
    default: 100,
    description:
      'Share of users who get the feature (integer percent), the same users every time; anonymous callers only at 100. Send 0 to limit the flag to `userIds`.',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  readonly percentage?: number;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    example: ['0b6f1c52-6a4e-4c59-9d0e-1f6a2b3c4d5e'],
    maxItems: MAX_ALLOWED_USERS,
    default: [],
    description: 'Users who always get the feature while it is enabled, whatever the percentage',
  })
  @IsOptional()
  @Transform(lowerCasedItems)
  @IsArray()
  @ArrayMaxSize(MAX_ALLOWED_USERS)
  @IsUUID('all', { each: true, message: 'each value must be a UUID' })
  @ArrayUnique({ message: 'must not repeat a user id' })
  readonly userIds?: string[];
}
