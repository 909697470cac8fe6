import type { Permission } from './permissions';
import type { Role } from './roles';

export const ACCESS_RULE_KEY = 'access:rule';

/** What a route demands of an authenticated caller (set by the decorators in common/decorators). */
export interface AccessRule {
  /** Every one of these. */
  readonly all?: readonly Permission[];
  /** At least one of these. */
  readonly any?: readonly Permission[];
  /** One of these roles (e.g. the admin-only shortcut). */
  readonly roles?: readonly Role[];
}
