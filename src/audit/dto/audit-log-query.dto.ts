import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

import { PageQueryDto } from '../../common/pagination';
import { AuditAction, AuditResource } from '../audit-actions';

/** GET /admin/audit-logs: pagination plus exact-match filters, combined with AND. */
export class AuditLogQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', example: '0b6f1c52-6a4e-4c59-9d0e-1f6a2b3c4d5e', description: 'Who acted' })
  @IsOptional()
  @IsUUID('all', { message: 'must be a UUID' })
  readonly actorId?: string;

  @ApiPropertyOptional({ enum: AuditAction, example: AuditAction.RoleChanged })
  @IsOptional()
  @IsEnum(AuditAction, { message: `must be one of ${Object.values(AuditAction).join(', ')}` })
  readonly action?: AuditAction;

  @ApiPropertyOptional({ enum: AuditResource, example: AuditResource.User })
  @IsOptional()
  @IsEnum(AuditResource, { message: `must be one of ${Object.values(AuditResource).join(', ')}` })
  readonly resourceType?: AuditResource;

  @ApiPropertyOptional({
    example: '0b6f1c52-6a4e-4c59-9d0e-1f6a2b3c4d5e',
    maxLength: 128,
    description: 'Id of the resource acted on',
  })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  readonly resourceId?: string;
}
