import { ApiProperty } from '@nestjs/swagger';
import { IsEnum } from 'class-validator';

import { Role } from '../../common/access/roles';

export class ChangeRoleDto {
  @ApiProperty({ enum: Role, example: Role.Staff })
  @IsEnum(Role, { message: `must be one of ${Object.values(Role).join(', ')}` })
  readonly role: Role;
}
