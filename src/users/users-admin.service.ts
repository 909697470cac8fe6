import { Injectable, Logger } from '@nestjs/common';

import { AuditService } from '../audit/audit.service';
import { AuditAction, AuditResource } from '../audit/audit-actions';
import { AccessControlService } from '../common/access/access-control.service';
import { Permission } from '../common/access/permissions';
import type { Principal } from '../common/access/principal';
import { Role } from '../common/access/roles';
import { OperationNotAllowedException, PermissionDeniedException, ResourceNotFoundException } from '../common/errors';
import { Paginated } from '../common/http';
import type { PageMeta } from '../common/pagination';
import { TransactionRunner } from '../platform/database';
import type { UserQueryDto } from './dto/user-query.dto';
import { UserResponseDto } from './dto/user-response.dto';
import type { User } from './user.entity';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

/**
 * Administration of accounts: listing, reading, role changes and deactivation. Two rules hold
 * under any concurrency: nobody deactivates their own account, and the last active admin can be
 * neither demoted nor deactivated (the active admins' rows are locked while the rule is checked,
 * so two admins demoting themselves or each other at once cannot both succeed).
 */
@Injectable()
export class UsersAdminService {
  private readonly logger = new Logger(UsersAdminService.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly accounts: UsersService,
    private readonly access: AccessControlService,
    private readonly audit: AuditService,
    private readonly transactions: TransactionRunner,
  ) {}

  /** A page of accounts (filters: role, isActive). */
  async list(query: UserQueryDto): Promise<Paginated<UserResponseDto, PageMeta>> {
    const page = await this.users.findPage(query);
    return new Paginated(
      page.items.map((user) => UserResponseDto.fromEntity(user)),
      page.meta,
    );
  }

  /**
   * One account, for a caller with `users:read` or for its owner. Anyone else gets 404, not 403:
   * a customer must not learn which user ids exist. Checked before the lookup, so the answer
   * costs the same whether the id exists or not.
   */
  async getVisibleTo(principal: Principal, id: string): Promise<UserResponseDto> {
    this.access.ensureCanAccess(principal, { type: 'User', id }, Permission.UsersRead, 'id', {
      ownerPermission: Permission.ProfileRead,
      conceal: true,
    });
    return this.accounts.getById(id);
  }

  /**
   * Changes a user's role (audited); the user's next request already has the new permissions.
   * An admin may step down, but the last active admin cannot leave `admin`.
   */
  async changeRole(actor: Principal, id: string, role: Role): Promise<UserResponseDto> {
    await this.transactions.run(async () => {
      const { user, activeAdminIds } = await this.lockForAdministration(actor, id);
      if (user.role === role) return;
      if (user.role === Role.Admin && user.isActive) this.ensureNotLastAdmin(activeAdminIds, 'change_role');
      await this.users.updateRole(id, role);
      await this.audit.record({
        action: AuditAction.RoleChanged,
        resourceType: AuditResource.User,
        resourceId: id,
        details: { from: user.role, to: role },
      });
      await this.transactions.afterCommit(() => this.accounts.forgetAuthState(id));
    });
    this.logger.log({ targetUserId: id, role }, 'Role changed');
    return this.accounts.getById(id);
  }

  /**
   * Deactivates an account (audited): its tokens and API keys stop working at once. Not your
   * own, never the last active admin; deactivating an inactive account changes nothing.
   */
  async deactivate(actor: Principal, id: string): Promise<void> {
    if (id === actor.userId) {
      throw new OperationNotAllowedException('deactivate_user', 'self', 'You cannot deactivate your own account');
    }
    await this.transactions.run(async () => {
      const { user, activeAdminIds } = await this.lockForAdministration(actor, id);
      if (!user.isActive) return;
      if (user.role === Role.Admin) this.ensureNotLastAdmin(activeAdminIds, 'deactivate_user');
      await this.users.deactivate(id);
      await this.audit.record({
        action: AuditAction.UserDeactivated,
        resourceType: AuditResource.User,
        resourceId: id,
        details: { role: user.role },
      });
      await this.transactions.afterCommit(() => this.accounts.forgetAuthState(id));
    });
    this.logger.log({ targetUserId: id }, 'User deactivated');
  }

  /**
   * Locks the active admins, then the target, and re-checks under the lock that the actor may
   * still manage users (a demotion committed since the request was authenticated counts).
   */
  private async lockForAdministration(actor: Principal, id: string): Promise<{ user: User; activeAdminIds: string[] }> {
    const activeAdminIds = await this.users.lockActiveAdminIds();
    const actorNow = await this.users.findById(actor.userId);
    if (!actorNow?.isActive || !this.access.can({ ...actor, role: actorNow.role }, Permission.UsersManage)) {
      throw new PermissionDeniedException({ permission: Permission.UsersManage });
    }
    const user = await this.users.findByIdForUpdate(id);
    if (!user) throw new ResourceNotFoundException('User', id);
    return { user, activeAdminIds };
  }

  private ensureNotLastAdmin(activeAdminIds: readonly string[], operation: string): void {
    if (activeAdminIds.length <= 1) {
      throw new OperationNotAllowedException(
        operation,
        'last_admin',
        'The last active admin must stay an active admin',
      );
    }
  }
}
