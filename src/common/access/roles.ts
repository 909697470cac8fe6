export enum Role {
  Admin = 'admin',
  Staff = 'staff',
  Customer = 'customer',
}
