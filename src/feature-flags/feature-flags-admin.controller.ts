import { Body, Controller, Get, HttpStatus, Param, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';

import { Permission } from '../common/access/permissions';
import { RequirePermissions } from '../common/decorators';
import { ErrorCode } from '../common/errors';
import { ApiEnvelope, ApiErrors } from '../common/http';
import { FeatureFlagResponseDto } from './dto/feature-flag-response.dto';
import { UpsertFeatureFlagDto } from './dto/upsert-feature-flag.dto';
import { FeatureFlagKeyPipe } from './feature-flag-key.pipe';
import { FeatureFlagsAdminService } from './feature-flags-admin.service';
import { FLAG_KEY_MAX_LENGTH, FLAG_KEY_PATTERN } from './flag-limits';

/** The key's rule, in the contract: anything else is 422 before a lookup. */
const KeyParam = () =>
  ApiParam({
    name: 'key',
    schema: { type: 'string', pattern: FLAG_KEY_PATTERN.source, maxLength: FLAG_KEY_MAX_LENGTH },
    example: 'products.search-descriptions',
  });

@ApiTags('admin')
@ApiBearerAuth()
@ApiSecurity('api-key')
@ApiErrors(ErrorCode.AuthenticationError, ErrorCode.PermissionDenied)
@RequirePermissions(Permission.FlagsManage)
@Controller('admin/feature-flags')
export class FeatureFlagsAdminController {
  constructor(private readonly flags: FeatureFlagsAdminService) {}

  @Get()
  @ApiOperation({ summary: 'Every feature flag, by key' })
  @ApiEnvelope(FeatureFlagResponseDto, { isArray: true })
  list(): Promise<FeatureFlagResponseDto[]> {
    return this.flags.list();
  }

  @Get(':key')
  @ApiOperation({ summary: 'One feature flag' })
  @KeyParam()
  @ApiEnvelope(FeatureFlagResponseDto)
  @ApiErrors(ErrorCode.ResourceNotFound, ErrorCode.ValidationError)
  get(@Param('key', FeatureFlagKeyPipe) key: string): Promise<FeatureFlagResponseDto> {
    return this.flags.get(key);
  }

  @Put(':key')
  @KeyParam()
  @ApiOperation({
    summary: 'Create a flag (201) or replace its settings (200); audited, and seen by every replica within a second',
  })
  @ApiEnvelope(FeatureFlagResponseDto, { description: 'Updated' })
  @ApiEnvelope(FeatureFlagResponseDto, { status: HttpStatus.CREATED, description: 'Created' })
  @ApiErrors(ErrorCode.ValidationError, ErrorCode.CsrfInvalid)
  async upsert(
    @Param('key', FeatureFlagKeyPipe) key: string,
    @Body() body: UpsertFeatureFlagDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<FeatureFlagResponseDto> {
    const { flag, created } = await this.flags.upsert(key, body);
    response.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return flag;
  }
}
