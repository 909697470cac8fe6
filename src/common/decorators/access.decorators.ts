import { SetMetadata } from '@nestjs/common';

import { ACCESS_RULE_KEY, type AccessRule } from '../access/access-rule';
import type { Permission } from '../access/permissions';

type RouteDecorator = MethodDecorator & ClassDecorator;

/** The caller needs every one of these permissions: `@RequirePermissions(Permission.ProductsCreate)`. */
export const RequirePermissions = (...permissions: Permission[]): RouteDecorator =>
  SetMetadata<string, AccessRule>(ACCESS_RULE_KEY, { all: permissions });

/** The caller needs at least one of these permissions. */
export const RequireAnyPermission = (...permissions: Permission[]): RouteDecorator =>
  SetMetadata<string, AccessRule>(ACCESS_RULE_KEY, { any: permissions });
