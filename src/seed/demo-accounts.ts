import { Role } from '../common/access/roles';

/**
 * The accounts a zero-setup start creates (README lists them). Never seeded in production unless
 * SEED_DEMO_DATA=true is set on purpose.
 */
export const DEMO_ACCOUNTS = [
  {
    email: 'admin@example.com',
    username: 'admin',
    password: 'Admin#Demo2026',
    fullName: 'Demo Admin',
    role: Role.Admin,
  },
  {
    email: 'staff@example.com',
    username: 'staff',
    password: 'Staff#Demo2026',
    fullName: 'Demo Staff',
    role: Role.Staff,
  },
  {
    email: 'customer@example.com',
    username: 'customer',
    password: 'Customer#Demo2026',
    fullName: 'Demo Customer',
    role: Role.Customer,
  },
] as const;

/** Who creates the demo catalogue. */
export const DEMO_ADMIN_EMAIL =
  DEMO_ACCOUNTS.find((account) => account.role === Role.Admin)?.email ?? 'admin@example.com';
