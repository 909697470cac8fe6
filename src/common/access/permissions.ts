import { Role } from './roles';

/** `resource:action` permissions (docs/api.md, "Roles and permissions"). */
export enum Permission {
  UsersRead = 'users:read',
  UsersManage = 'users:manage',
  ProductsRead = 'products:read',
  ProductsCreate = 'products:create',
  ProductsUpdate = 'products:update',
  ProductsDelete = 'products:delete',
  ProductsAdmin = 'products:admin',
  OrdersCreate = 'orders:create',
  OrdersRead = 'orders:read',
  OrdersReadAll = 'orders:read_all',
  OrdersManage = 'orders:manage',
  AuditRead = 'audit:read',
  FlagsManage = 'flags:manage',
  /** The caller's own account: read it (GET /users/me, /users/me/permissions, /users/:own-id). */
  ProfileRead = 'profile:read',
  /** The caller's own account: change it (PATCH /users/me). */
  ProfileUpdate = 'profile:update',
  /** The caller's own API keys: create, list and revoke them. */
  ApiKeysManage = 'api_keys:manage',
}

export const ALL_PERMISSIONS: readonly Permission[] = Object.values(Permission);

/**
 * Every account may look after itself. These are permissions (not implicit rights) so an API key
 * acts on them only when it was given them (docs/decisions/0030).
 */
const SELF_SERVICE: readonly Permission[] = [
  Permission.ProfileRead,
  Permission.ProfileUpdate,
  Permission.ApiKeysManage,
];

const CUSTOMER: readonly Permission[] = [
  ...SELF_SERVICE,
  Permission.ProductsRead,
  Permission.OrdersCreate,
  Permission.OrdersRead,
];

const STAFF: readonly Permission[] = [
  ...CUSTOMER,
  Permission.ProductsCreate,
  Permission.ProductsUpdate,
  Permission.ProductsDelete,
  Permission.OrdersReadAll,
];

/**
 * The one table from role to permissions. `admin` has all; `staff` manages products and reads
 * all orders; `customer` shops (reads products, places and reads its own orders).
 */
export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  [Role.Admin]: new Set(ALL_PERMISSIONS),
  [Role.Staff]: new Set(STAFF),
  [Role.Customer]: new Set(CUSTOMER),
};
