import { ApiProperty } from '@nestjs/swagger';

import { Permission } from '../../common/access/permissions';
import { Role } from '../../common/access/roles';

/** GET /users/me/permissions: what the caller may do with the credential it used. */
export class PermissionsResponseDto {
  @ApiProperty({ enum: Role, example: Role.Staff })
  readonly role: Role;

  @ApiProperty({ enum: Permission, isArray: true, example: ['products:read', 'products:create'] })
  readonly permissions: Permission[];

  @ApiProperty({
    enum: ['access_token', 'api_key'],
    example: 'access_token',
    description: 'An API key narrows the role’s permissions to its own',
  })
  readonly authenticatedWith: 'access_token' | 'api_key';
}
