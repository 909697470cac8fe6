export enum Role {
  Admin = 'admin',
  Staff = 'staff',
  Customer = 'customer',
}

export const ROLES: readonly Role[] = Object.values(Role);
