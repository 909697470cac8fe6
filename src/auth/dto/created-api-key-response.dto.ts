import { ApiProperty } from '@nestjs/swagger';

import { Permission } from '../../common/access/permissions';

/** The answer to creating a key: the only time the full key is ever shown. */
export class CreatedApiKeyResponseDto {
  @ApiProperty({ format: 'uuid', example: '9c1f0a3e-2b4d-4e6f-8a1b-3c5d7e9f1a2b' })
  readonly id: string;

  @ApiProperty({
    description: 'Send as `X-API-Key`. Shown once: store it now, it cannot be read again.',
    example: '9c1f0a3e-2b4d-4e6f-8a1b-3c5d7e9f1a2b.Yx3tq5Zr0aJ8m1VfQ2kLwE9sHn4cB7uD6pRgT0iOyXo',
  })
  readonly apiKey: string;

  @ApiProperty({ example: 'inventory sync' })
  readonly name: string;

  @ApiProperty({ enum: Permission, isArray: true, example: ['products:read'] })
  readonly permissions: Permission[];

  @ApiProperty({ nullable: true, type: String, format: 'date-time', example: null })
  readonly expiresAt: string | null;

  @ApiProperty({ format: 'date-time', example: '2026-11-22T10:00:00.000Z' })
  readonly createdAt: string;
}
