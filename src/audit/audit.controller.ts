import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';

import { Permission } from '../common/access/permissions';
import { RequirePermissions } from '../common/decorators';
import { ErrorCode } from '../common/errors';
import { ApiEnvelope, ApiErrors, type Paginated } from '../common/http';
import { CursorPageMetaDto, OffsetPageMetaDto, type PageMeta } from '../common/pagination';
import { AuditService } from './audit.service';
import { AuditLogQueryDto } from './dto/audit-log-query.dto';
import { AuditLogResponseDto } from './dto/audit-log-response.dto';

@ApiTags('admin')
@ApiBearerAuth()
@ApiSecurity('api-key')
@ApiErrors(ErrorCode.AuthenticationError, ErrorCode.PermissionDenied)
@Controller('admin/audit-logs')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @RequirePermissions(Permission.AuditRead)
  @ApiOperation({ summary: 'Audit entries, newest first; filter by actor, action and resource' })
  @ApiEnvelope(AuditLogResponseDto, { metaModel: [OffsetPageMetaDto, CursorPageMetaDto] })
  @ApiErrors(ErrorCode.ValidationError)
  list(@Query() query: AuditLogQueryDto): Promise<Paginated<AuditLogResponseDto, PageMeta>> {
    return this.audit.list(query);
  }
}
