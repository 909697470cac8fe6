import { Logger } from '@nestjs/common';

import { compileUnit, newAuditMock } from '../../test/support/unit';
import { AuditService } from '../audit/audit.service';
import { AuditAction, AuditResource } from '../audit/audit-actions';
import { AccessControlService } from '../common/access/access-control.service';
import { AccessDecisionRecorder } from '../common/access/access-decision.recorder';
import type { Principal } from '../common/access/principal';
import { Role } from '../common/access/roles';
import { OperationNotAllowedException, PermissionDeniedException, ResourceNotFoundException } from '../common/errors';
import type { User } from './user.entity';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';
import { UsersAdminService } from './users-admin.service';

const ADMIN_ID = 'a0000000-0000-4000-8000-000000000001';
const OTHER_ADMIN_ID = 'a0000000-0000-4000-8000-000000000002';
const TARGET_ID = 'c0000000-0000-4000-8000-000000000003';
const ADMIN: Principal = { userId: ADMIN_ID, role: Role.Admin, method: 'access_token', credentialId: 'jti' };
const CUSTOMER: Principal = { userId: TARGET_ID, role: Role.Customer, method: 'access_token', credentialId: 'jti' };

const user = (id: string, role: Role, isActive = true) => ({ id, role, isActive }) as User;

describe(UsersAdminService.name, () => {
  let sut: UsersAdminService;
  let users: Record<string, jest.Mock>;
  let accounts: { getById: jest.Mock; forgetAuthState: jest.Mock };
  let audit: { record: jest.Mock };
  let denied: jest.Mock;

  beforeEach(async () => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    users = {
      lockActiveAdminIds: jest.fn().mockResolvedValue([ADMIN_ID, OTHER_ADMIN_ID]),
      findById: jest.fn().mockResolvedValue(user(ADMIN_ID, Role.Admin)),
      findByIdForUpdate: jest.fn().mockResolvedValue(user(TARGET_ID, Role.Customer)),
      updateRole: jest.fn().mockResolvedValue(undefined),
      deactivate: jest.fn().mockResolvedValue(undefined),
      findPage: jest.fn(),
    };
    accounts = {
      getById: jest.fn().mockResolvedValue({ id: TARGET_ID }),
      forgetAuthState: jest.fn().mockResolvedValue(undefined),
    };
    audit = newAuditMock();
    denied = jest.fn();
    const moduleRef = await compileUnit([
      UsersAdminService,
      AccessControlService,
      { provide: AccessDecisionRecorder, useValue: { allowed: jest.fn(), denied } },
      { provide: UsersRepository, useValue: users },
      { provide: UsersService, useValue: accounts },
      { provide: AuditService, useValue: audit },
    ]);
    sut = moduleRef.get(UsersAdminService);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  describe('getVisibleTo', () => {
    it('shows a user to themselves and to users:read', async () => {
      await expect(sut.getVisibleTo(CUSTOMER, TARGET_ID)).resolves.toEqual({ id: TARGET_ID });
      await expect(sut.getVisibleTo(ADMIN, TARGET_ID)).resolves.toEqual({ id: TARGET_ID });
    });

    it('answers 404 to anyone else, before any lookup, and records the denial', async () => {
      const stranger: Principal = { ...CUSTOMER, userId: 'c0000000-0000-4000-8000-000000000009' };

      await expect(sut.getVisibleTo(stranger, TARGET_ID)).rejects.toThrow(ResourceNotFoundException);
      expect(accounts.getById).not.toHaveBeenCalled();
      expect(denied).toHaveBeenCalledWith(expect.objectContaining({ missing: ['users:read'], resourceType: 'User' }));
    });
  });

  describe('changeRole', () => {
    it('changes the role, audits the change and forgets the cached state after commit', async () => {
      await sut.changeRole(ADMIN, TARGET_ID, Role.Staff);

      expect(users.updateRole).toHaveBeenCalledWith(TARGET_ID, Role.Staff);
      expect(audit.record).toHaveBeenCalledWith({
        action: AuditAction.RoleChanged,
        resourceType: AuditResource.User,
        resourceId: TARGET_ID,
        details: { from: Role.Customer, to: Role.Staff },
      });
      expect(accounts.forgetAuthState).toHaveBeenCalledWith(TARGET_ID);
    });

    it('changes nothing (and audits nothing) when the role is already the one asked for', async () => {
      await sut.changeRole(ADMIN, TARGET_ID, Role.Customer);

      expect(users.updateRole).not.toHaveBeenCalled();
      expect(audit.record).not.toHaveBeenCalled();
    });

    it('lets an admin step down while another admin remains', async () => {
      users.findByIdForUpdate.mockResolvedValue(user(ADMIN_ID, Role.Admin));

      await sut.changeRole(ADMIN, ADMIN_ID, Role.Staff);

      expect(users.updateRole).toHaveBeenCalledWith(ADMIN_ID, Role.Staff);
    });

    it('refuses to demote the last active admin, checked under the admins’ row locks', async () => {
      users.lockActiveAdminIds.mockResolvedValue([ADMIN_ID]);
      users.findByIdForUpdate.mockResolvedValue(user(ADMIN_ID, Role.Admin));

      const promise = sut.changeRole(ADMIN, ADMIN_ID, Role.Staff);

      await expect(promise).rejects.toThrow(OperationNotAllowedException);
      await expect(promise).rejects.toMatchObject({ details: { operation: 'change_role', reason: 'last_admin' } });
      expect(users.updateRole).not.toHaveBeenCalled();
    });

    it('refuses an actor who lost users:manage since the request was authenticated', async () => {
      users.findById.mockResolvedValue(user(ADMIN_ID, Role.Staff));

      await expect(sut.changeRole(ADMIN, TARGET_ID, Role.Staff)).rejects.toThrow(PermissionDeniedException);
      expect(users.updateRole).not.toHaveBeenCalled();
    });

    it('answers 404 for an unknown user', async () => {
      users.findByIdForUpdate.mockResolvedValue(null);

      await expect(sut.changeRole(ADMIN, TARGET_ID, Role.Staff)).rejects.toThrow(ResourceNotFoundException);
    });
  });

  describe('deactivate', () => {
    it('deactivates, audits, and forgets the cached state after commit', async () => {
      await sut.deactivate(ADMIN, TARGET_ID);

      expect(users.deactivate).toHaveBeenCalledWith(TARGET_ID);
      expect(audit.record).toHaveBeenCalledWith(
        expect.objectContaining({ action: AuditAction.UserDeactivated, resourceId: TARGET_ID }),
      );
      expect(accounts.forgetAuthState).toHaveBeenCalledWith(TARGET_ID);
    });

    it('refuses to deactivate yourself, before touching the database', async () => {
      const promise = sut.deactivate(ADMIN, ADMIN_ID);

      await expect(promise).rejects.toMatchObject({ details: { operation: 'deactivate_user', reason: 'self' } });
      expect(users.lockActiveAdminIds).not.toHaveBeenCalled();
    });

    it('refuses to deactivate the last active admin', async () => {
      users.lockActiveAdminIds.mockResolvedValue([OTHER_ADMIN_ID]);
      users.findById.mockResolvedValue(user(ADMIN_ID, Role.Admin));
      users.findByIdForUpdate.mockResolvedValue(user(OTHER_ADMIN_ID, Role.Admin));

      await expect(sut.deactivate(ADMIN, OTHER_ADMIN_ID)).rejects.toMatchObject({
        details: { reason: 'last_admin' },
      });
    });

    it('changes nothing for an inactive user', async () => {
      users.findByIdForUpdate.mockResolvedValue(user(TARGET_ID, Role.Customer, false));

      await sut.deactivate(ADMIN, TARGET_ID);

      expect(users.deactivate).not.toHaveBeenCalled();
      expect(audit.record).not.toHaveBeenCalled();
    });
  });
});
