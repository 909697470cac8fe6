import { ApiProperty } from '@nestjs/swagger';

import { Permission } from '../../common/access/permissions';
import type { ApiKey } from '../api-key.entity';

/** An API key as its owner sees it later: never the secret. */
export class ApiKeyResponseDto {
  @ApiProperty({ format: 'uuid', example: '9c1f0a3e-2b4d-4e6f-8a1b-3c5d7e9f1a2b' })
  readonly id: string;

  @ApiProperty({ example: 'inventory sync' })
  readonly name: string;

  @ApiProperty({ enum: Permission, isArray: true, example: ['products:read'] })
  readonly permissions: Permission[];

  @ApiProperty({ nullable: true, type: String, format: 'date-time', example: '2027-01-01T00:00:00.000Z' })
  readonly expiresAt: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'date-time', example: '2026-11-22T10:05:00.000Z' })
  readonly lastUsedAt: string | null;

  @ApiProperty({ format: 'date-time', example: '2026-11-22T10:00:00.000Z' })
  readonly createdAt: string;

  static fromEntity(key: ApiKey): ApiKeyResponseDto {
    return {
      id: key.id,
      name: key.name,
      permissions: key.permissions,
      expiresAt: key.expiresAt?.toISOString() ?? null,
      lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
      createdAt: key.createdAt.toISOString(),
    };
  }
}
