import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEnum, IsIn, IsOptional } from 'class-validator';

import { Role } from '../../common/access/roles';
import { PageQueryDto } from '../../common/pagination';

const toBoolean = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

/** GET /users: pagination (sortable by `createdAt`, `email`) and exact filters. */
export class UserQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: Role, example: Role.Staff })
  @IsOptional()
  @IsEnum(Role, { message: `must be one of ${Object.values(Role).join(', ')}` })
  readonly role?: Role;

  @ApiPropertyOptional({ type: Boolean, example: true })
  @IsOptional()
  @Transform(toBoolean)
  @IsIn([true, false], { message: 'must be true or false' })
  readonly isActive?: boolean;
}
