import { ApiProperty } from '@nestjs/swagger';

import type { FeatureFlag } from '../feature-flag.entity';

/** A flag as administrators see it. */
export class FeatureFlagResponseDto {
  @ApiProperty({ example: 'products.search-descriptions' })
  readonly key: string;

  @ApiProperty({ nullable: true, type: String, example: 'Search matches product descriptions as well' })
  readonly description: string | null;

  @ApiProperty({ example: true })
  readonly enabled: boolean;

  @ApiProperty({ example: 25, minimum: 0, maximum: 100 })
  readonly percentage: number;

  @ApiProperty({ type: [String], format: 'uuid', example: ['0b6f1c52-6a4e-4c59-9d0e-1f6a2b3c4d5e'] })
  readonly userIds: string[];

  @ApiProperty({ format: 'date-time', example: '2026-11-22T10:00:00.000Z' })
  readonly createdAt: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-22T10:00:00.000Z' })
  readonly updatedAt: string;

  static fromEntity(flag: FeatureFlag): FeatureFlagResponseDto {
    return {
      key: flag.key,
      description: flag.description,
      enabled: flag.enabled,
      percentage: flag.percentage,
      userIds: [...flag.allowedUserIds],
      createdAt: flag.createdAt.toISOString(),
      updatedAt: flag.updatedAt.toISOString(),
    };
  }
}
