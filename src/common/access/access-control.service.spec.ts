import { Test } from '@nestjs/testing';

import { PermissionDeniedException, ResourceNotFoundException } from '../errors';
import { AccessControlService } from './access-control.service';
import { AccessDecisionRecorder } from './access-decision.recorder';
import { Permission } from './permissions';
import type { Principal } from './principal';
import { Role } from './roles';

const OWNER = '0b6f1c52-6a4e-4c59-9d0e-1f6a2b3c4d5e';
const principal = (role: Role, overrides: Partial<Principal> = {}): Principal => ({
  userId: OWNER,
  role,
  method: 'access_token',
  credentialId: 'jti',
  ...overrides,
});

describe(AccessControlService.name, () => {
  let sut: AccessControlService;
  let decisions: { allowed: jest.Mock; denied: jest.Mock };

  beforeEach(async () => {
    decisions = { allowed: jest.fn(), denied: jest.fn() };
    const moduleRef = await Test.createTestingModule({
      providers: [AccessControlService, { provide: AccessDecisionRecorder, useValue: decisions }],
    }).compile();
    sut = moduleRef.get(AccessControlService);
  });

  describe('permissionsOf', () => {
    it('narrows an API key to its scopes, and never beyond the role', () => {
      const key = principal(Role.Customer, {
        method: 'api_key',
        scopes: [Permission.ProductsRead, Permission.UsersManage],
      });

      expect([...sut.permissionsOf(key)]).toEqual([Permission.ProductsRead]);
    });
  });

  describe('unmetBy', () => {
    it('names the missing all-of permissions', () => {
      expect(sut.unmetBy(principal(Role.Staff), { all: [Permission.ProductsCreate, Permission.AuditRead] })).toEqual([
        Permission.AuditRead,
      ]);
    });

    it('names the whole any-of list when none is held, nothing when one is', () => {
      const rule = { any: [Permission.UsersRead, Permission.AuditRead] };

      expect(sut.unmetBy(principal(Role.Customer), rule)).toEqual([Permission.UsersRead, Permission.AuditRead]);
      expect(sut.unmetBy(principal(Role.Admin), rule)).toEqual([]);
    });

    it('names a role rule as role:<name>', () => {
      expect(sut.unmetBy(principal(Role.Staff), { roles: [Role.Admin] })).toEqual(['role:admin']);
      expect(sut.satisfies(principal(Role.Admin), { roles: [Role.Admin] })).toBe(true);
    });
  });

  describe('ensureCanAccess', () => {
    const order = { type: 'Order', id: 'o1', userId: OWNER };

    it('lets the owner and holders of the permission through, recording each as allowed', () => {
      sut.ensureCanAccess(principal(Role.Customer), order, Permission.OrdersReadAll, 'userId');
      sut.ensureCanAccess(principal(Role.Staff, { userId: 'x' }), order, Permission.OrdersReadAll, 'userId');

      expect(decisions.allowed).toHaveBeenCalledTimes(2);
    });

    it('answers 404 when concealing, 403 otherwise, and records the denial', () => {
      const stranger = principal(Role.Customer, { userId: 'someone-else' });

      expect(() => sut.ensureCanAccess(stranger, order, Permission.OrdersReadAll, 'userId', { conceal: true })).toThrow(
        ResourceNotFoundException,
      );
      expect(() => sut.ensureCanAccess(stranger, order, Permission.OrdersReadAll, 'userId')).toThrow(
        PermissionDeniedException,
      );
      expect(decisions.denied).toHaveBeenCalledWith({
        principal: stranger,
        missing: [Permission.OrdersReadAll],
        resourceType: 'Order',
      });
    });

    it('names the owner permission when an owner lacks it', () => {
      const product = { type: 'Product', id: 'p1', createdBy: OWNER };

      expect(() =>
        sut.ensureCanAccess(principal(Role.Customer), product, Permission.ProductsAdmin, 'createdBy', {
          ownerPermission: Permission.ProductsUpdate,
        }),
      ).toThrow(PermissionDeniedException);
      expect(decisions.denied).toHaveBeenCalledWith(expect.objectContaining({ missing: [Permission.ProductsUpdate] }));
    });
  });
});
