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
}

export const ALL_PERMISSIONS: readonly Permission[] = Object.values(Permission);

const CUSTOMER: readonly Permission[] = [Permission.ProductsRead, Permission.OrdersCreate, Permission.OrdersRead];

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

export function isPermission(value: string): value is Permission {
  return (ALL_PERMISSIONS as readonly string[]).includes(value);
}
