import { ApiProperty } from '@nestjs/swagger';

import { Role } from '../../common/access/roles';
import type { User } from '../user.entity';

/** A user as clients see it: no password hash, ever. */
export class UserResponseDto {
  @ApiProperty({ format: 'uuid', example: '0b6f1c52-6a4e-4c59-9d0e-1f6a2b3c4d5e' })
  readonly id: string;

  @ApiProperty({ example: 'ada@example.com' })
  readonly email: string;

  @ApiProperty({ example: 'ada' })
  readonly username: string;

  @ApiProperty({ nullable: true, type: String, example: 'Ada Lovelace' })
  readonly fullName: string | null;

  @ApiProperty({ nullable: true, type: String, example: '+14155550123' })
  readonly phone: string | null;

  @ApiProperty({ enum: Role, example: Role.Customer })
  readonly role: Role;

  @ApiProperty({ example: true })
  readonly isActive: boolean;

  @ApiProperty({ format: 'date-time', example: '2026-11-22T10:00:00.000Z' })
  readonly createdAt: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-22T10:00:00.000Z' })
  readonly updatedAt: string;

  static fromEntity(user: User): UserResponseDto {
    return {
      id: user.id,
      email: user.email,
      username: user.username,
      fullName: user.fullName,
      phone: user.phone,
      role: user.role,
      isActive: user.isActive,
      createdAt: user.createdAt.toISOString(),
      updatedAt: user.updatedAt.toISOString(),
    };
  }
}
