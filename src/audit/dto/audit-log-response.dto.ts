import { ApiProperty } from '@nestjs/swagger';

import type { AuditLog } from '../audit-log.entity';

export class AuditLogResponseDto {
  @ApiProperty({ format: 'uuid', example: '6f9b2d4e-8a1c-4e2b-9f3a-1c2d3e4f5a6b' })
  readonly id: string;

  @ApiProperty({ nullable: true, type: String, format: 'uuid', example: '0b6f1c52-6a4e-4c59-9d0e-1f6a2b3c4d5e' })
  readonly actorId: string | null;

  @ApiProperty({ example: 'user.role_changed' })
  readonly action: string;

  @ApiProperty({ example: 'user' })
  readonly resourceType: string;

  @ApiProperty({ nullable: true, type: String, example: '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d' })
  readonly resourceId: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { from: 'customer', to: 'staff' } })
  readonly details: Record<string, unknown>;

  @ApiProperty({ nullable: true, type: String, example: '3f2e1d0c-9b8a-4c7d-8e6f-5a4b3c2d1e0f' })
  readonly requestId: string | null;

  @ApiProperty({ nullable: true, type: String, example: '203.0.113.7' })
  readonly ip: string | null;

  @ApiProperty({ format: 'date-time', example: '2026-11-22T10:00:00.000Z' })
  readonly createdAt: string;

  static fromEntity(entry: AuditLog): AuditLogResponseDto {
    return {
      id: entry.id,
      actorId: entry.actorId,
      action: entry.action,
      resourceType: entry.resourceType,
      resourceId: entry.resourceId,
      details: entry.details,
      requestId: entry.requestId,
      ip: entry.ip,
      createdAt: entry.createdAt.toISOString(),
    };
  }
}
