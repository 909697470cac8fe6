import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';

import { Permission } from '../common/access/permissions';
import type { Principal } from '../common/access/principal';
import { CurrentUser, RequirePermissions } from '../common/decorators';
import { ErrorCode } from '../common/errors';
import { ApiEnvelope, ApiErrors } from '../common/http';
import { UuidParamPipe } from '../common/validation';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyResponseDto } from './dto/api-key-response.dto';
import { CreateApiKeyDto } from './dto/create-api-key.dto';
import { CreatedApiKeyResponseDto } from './dto/created-api-key-response.dto';

@ApiTags('auth')
@ApiBearerAuth()
@ApiSecurity('api-key')
@ApiErrors(ErrorCode.AuthenticationError, ErrorCode.PermissionDenied)
@RequirePermissions(Permission.ApiKeysManage)
@Controller('auth/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key with at most your permissions (the key is shown once)' })
  @ApiEnvelope(CreatedApiKeyResponseDto, { status: HttpStatus.CREATED })
  @ApiErrors(
    ErrorCode.ValidationError,
    ErrorCode.PermissionDenied,
    ErrorCode.BusinessRuleViolation,
    ErrorCode.CsrfInvalid,
  )
  create(@CurrentUser() principal: Principal, @Body() body: CreateApiKeyDto): Promise<CreatedApiKeyResponseDto> {
    return this.apiKeys.create(principal, body);
  }

  @Get()
  @ApiOperation({ summary: 'Your API keys that are not revoked (never their secrets)' })
  @ApiEnvelope(ApiKeyResponseDto, { isArray: true, description: 'The caller’s keys' })
  list(@CurrentUser() principal: Principal): Promise<ApiKeyResponseDto[]> {
    return this.apiKeys.listOwn(principal.userId);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Revoke one of your API keys; it stops working at once' })
  @ApiErrors(ErrorCode.ResourceNotFound, ErrorCode.ValidationError, ErrorCode.CsrfInvalid)
  revoke(@CurrentUser() principal: Principal, @Param('id', UuidParamPipe) id: string): Promise<void> {
    return this.apiKeys.revoke(principal, id);
  }
}
