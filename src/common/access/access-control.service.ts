import { Injectable } from '@nestjs/common';

import { PermissionDeniedException, ResourceNotFoundException } from '../errors';
import { AccessDecisionRecorder } from './access-decision.recorder';
import type { AccessRule } from './access-rule';
import { type Permission, ROLE_PERMISSIONS } from './permissions';
import type { Principal } from './principal';

/** A resource as object-level checks see it: its type and id, and the fields that name its owner. */
export type GuardedResource = { readonly type: string; readonly id: string } & Readonly<Record<string, unknown>>;

export interface OwnershipOptions {
  /** The owner may act only if they also hold this permission (e.g. `products:update` for a creator). */
  readonly ownerPermission?: Permission;
  /** Answer 404 instead of 403, for resources whose existence the caller may not learn (orders). */
  readonly conceal?: boolean;
}

/**
 * Role-based and object-level access decisions, in one place. A principal's permissions are its
 * role's, narrowed to the API key's scopes when it authenticated with a key.
 */
@Injectable()
export class AccessControlService {
  constructor(private readonly decisions: AccessDecisionRecorder) {}

  permissionsOf(principal: Principal): ReadonlySet<Permission> {
    const granted = ROLE_PERMISSIONS[principal.role];
    if (!principal.scopes) return granted;
    return new Set(principal.scopes.filter((permission) => granted.has(permission)));
  }

  can(principal: Principal, permission: Permission): boolean {
    return this.permissionsOf(principal).has(permission);
  }

  /** Whether `principal` satisfies a route's rule (roles, all-of and any-of permissions). */
  satisfies(principal: Principal, rule: AccessRule): boolean {
    return this.unmetBy(principal, rule).length === 0;
  }

  /**
   * What `principal` lacks to satisfy `rule`: the missing all-of permissions, the any-of list
   * when none is held, `role:<name>` entries for a role rule; empty when the rule is satisfied.
   */
  unmetBy(principal: Principal, rule: AccessRule): string[] {
    const permissions = this.permissionsOf(principal);
    const missing: string[] = [];
    if (rule.roles && !rule.roles.includes(principal.role)) missing.push(...rule.roles.map((role) => `role:${role}`));
    if (rule.all) missing.push(...rule.all.filter((permission) => !permissions.has(permission)));
    if (rule.any && !rule.any.some((permission) => permissions.has(permission))) missing.push(...rule.any);
    return missing;
  }

  /**
   * Object-level check: allowed with `permission` (which grants access to every such resource),
   * or as the owner (`resource[ownerField] === principal.userId`, plus `ownerPermission` if
   * given). Otherwise PERMISSION_DENIED, or RESOURCE_NOT_FOUND when `conceal` is set.
   *
   *   access.ensureCanAccess(principal, { type: 'Order', id, userId }, Permission.OrdersReadAll, 'userId', { conceal: true });
   */
  ensureCanAccess(
    principal: Principal,
    resource: GuardedResource,
    permission: Permission,
    ownerField: string,
    options: OwnershipOptions = {},
  ): void {
    const isOwner = resource[ownerField] === principal.userId;
    if (
      this.can(principal, permission) ||
      (isOwner && (!options.ownerPermission || this.can(principal, options.ownerPermission)))
    ) {
      this.decisions.allowed();
      return;
    }
    const missing = isOwner && options.ownerPermission ? [options.ownerPermission] : [permission];
    this.decisions.denied({ principal, missing, resourceType: resource.type });
    if (options.conceal) throw new ResourceNotFoundException(resource.type, resource.id);
    throw new PermissionDeniedException({ permission, resourceType: resource.type });
  }
}
