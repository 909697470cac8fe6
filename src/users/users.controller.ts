import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';

import { AccessControlService } from '../common/access/access-control.service';
import { Permission } from '../common/access/permissions';
import type { Principal } from '../common/access/principal';
import { CurrentUser, RequireAnyPermission, RequirePermissions } from '../common/decorators';
import { ErrorCode } from '../common/errors';
import { ApiEnvelope, ApiErrors, type Paginated } from '../common/http';
import { CursorPageMetaDto, OffsetPageMetaDto, type PageMeta } from '../common/pagination';
import { UuidParamPipe } from '../common/validation';
import { ChangeRoleDto } from './dto/change-role.dto';
import { PermissionsResponseDto } from './dto/permissions-response.dto';
import { UpdateProfileDto } from './dto/update-profile.dto';
import { UserQueryDto } from './dto/user-query.dto';
import { UserResponseDto } from './dto/user-response.dto';
import { UsersService } from './users.service';
import { UsersAdminService } from './users-admin.service';

@ApiTags('users')
@ApiBearerAuth()
@ApiSecurity('api-key')
@ApiErrors(ErrorCode.AuthenticationError)
@Controller('users')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly admin: UsersAdminService,
    private readonly access: AccessControlService,
  ) {}

  @Get('me')
  @RequirePermissions(Permission.ProfileRead)
  @ApiOperation({ summary: 'The caller' })
  @ApiEnvelope(UserResponseDto)
  me(@CurrentUser() principal: Principal): Promise<UserResponseDto> {
    return this.users.getById(principal.userId);
  }

  @Patch('me')
  @RequirePermissions(Permission.ProfileUpdate)
  @ApiOperation({
    summary: 'Update the caller’s profile (a new password needs the current one and ends every session)',
  })
  @ApiEnvelope(UserResponseDto)
  @ApiErrors(ErrorCode.ValidationError, ErrorCode.CsrfInvalid)
  updateMe(@CurrentUser() principal: Principal, @Body() body: UpdateProfileDto): Promise<UserResponseDto> {
    return this.users.updateProfile(principal.userId, body);
  }

  @Get('me/permissions')
  @RequirePermissions(Permission.ProfileRead)
  @ApiOperation({ summary: 'The caller’s effective permissions (an API key narrows them to its own)' })
  @ApiEnvelope(PermissionsResponseDto)
  permissions(@CurrentUser() principal: Principal): PermissionsResponseDto {
    return {
      role: principal.role,
      permissions: [...this.access.permissionsOf(principal)].sort(),
      authenticatedWith: principal.method,
    };
  }

  @Get()
  @RequirePermissions(Permission.UsersRead)
  @ApiOperation({ summary: 'List accounts (paginated; filters role, isActive; sort createdAt, email)' })
  @ApiEnvelope(UserResponseDto, { metaModel: [OffsetPageMetaDto, CursorPageMetaDto] })
  @ApiErrors(ErrorCode.PermissionDenied, ErrorCode.ValidationError)
  list(@Query() query: UserQueryDto): Promise<Paginated<UserResponseDto, PageMeta>> {
    return this.admin.list(query);
  }

  @Get(':id')
  @RequireAnyPermission(Permission.UsersRead, Permission.ProfileRead)
  @ApiOperation({ summary: 'One account: `users:read`, or your own with `profile:read`; anyone else gets 404' })
  @ApiEnvelope(UserResponseDto)
  @ApiErrors(ErrorCode.ResourceNotFound, ErrorCode.ValidationError, ErrorCode.PermissionDenied)
  get(@CurrentUser() principal: Principal, @Param('id', UuidParamPipe) id: string): Promise<UserResponseDto> {
    return this.admin.getVisibleTo(principal, id);
  }

  @Patch(':id/role')
  @RequirePermissions(Permission.UsersManage)
  @ApiOperation({ summary: 'Change a user’s role (the last active admin cannot leave admin)' })
  @ApiEnvelope(UserResponseDto)
  @ApiErrors(
    ErrorCode.PermissionDenied,
    ErrorCode.OperationNotAllowed,
    ErrorCode.ResourceNotFound,
    ErrorCode.ValidationError,
    ErrorCode.CsrfInvalid,
  )
  changeRole(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParamPipe) id: string,
    @Body() body: ChangeRoleDto,
  ): Promise<UserResponseDto> {
    return this.admin.changeRole(principal, id, body.role);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @RequirePermissions(Permission.UsersManage)
  @ApiOperation({
    summary: 'Deactivate a user (not yourself; not the last active admin); their credentials stop working',
  })
  @ApiErrors(
    ErrorCode.PermissionDenied,
    ErrorCode.OperationNotAllowed,
    ErrorCode.ResourceNotFound,
    ErrorCode.ValidationError,
    ErrorCode.CsrfInvalid,
  )
  deactivate(@CurrentUser() principal: Principal, @Param('id', UuidParamPipe) id: string): Promise<void> {
    return this.admin.deactivate(principal, id);
  }
}
