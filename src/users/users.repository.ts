import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Repository } from 'typeorm';

import { Role } from '../common/access/roles';
import { type Page, Paginator, type SortableFields } from '../common/pagination';
import type { UserQueryDto } from './dto/user-query.dto';
import { User } from './user.entity';

export type NewUser = Pick<User, 'email' | 'username' | 'passwordHash' | 'fullName' | 'role'>;

/** What authentication needs to know about a user on every request (and what is cached). */
export type UserAuthState = Pick<User, 'id' | 'role' | 'isActive' | 'tokenVersion'>;

const SORTABLE: SortableFields = {
  fields: { createdAt: 'user.createdAt', email: 'user.email' },
  defaultSort: 'createdAt:desc',
  tiebreaker: 'user.id',
};

/**
 * Queries on the users table. Runs inside the caller's transaction when there is one
 * (TransactionHost), so audit rows and other writes commit or roll back together with it.
 */
@Injectable()
export class UsersRepository {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly paginator: Paginator,
  ) {}

  private get users(): Repository<User> {
    return this.txHost.tx.getRepository(User);
  }

  findById(id: string): Promise<User | null> {
    return this.users.findOneBy({ id });
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.findOneBy({ email });
  }

  findAuthState(id: string): Promise<UserAuthState | null> {
    return this.users.findOne({ where: { id }, select: { id: true, role: true, isActive: true, tokenVersion: true } });
  }

  /** With the password hash, for credential checks only. */
  findByEmailWithPassword(email: string): Promise<User | null> {
    return this.users
      .createQueryBuilder('user')
      .addSelect('user.passwordHash')
      .where('user.email = :email', { email })
      .getOne();
  }

  findByIdWithPassword(id: string): Promise<User | null> {
    return this.users.createQueryBuilder('user').addSelect('user.passwordHash').where('user.id = :id', { id }).getOne();
  }

  /** The row, locked until the transaction ends (FOR UPDATE). */
  findByIdForUpdate(id: string): Promise<User | null> {
    return this.users.createQueryBuilder('user').where('user.id = :id', { id }).setLock('pessimistic_write').getOne();
  }

  /**
   * Ids of the active admins, their rows locked (in id order, so concurrent callers queue instead
   * of deadlocking). Whoever holds these locks may safely count admins before demoting one.
   */
  async lockActiveAdminIds(): Promise<string[]> {
    const rows = await this.users
      .createQueryBuilder('user')
      .select('user.id')
      .where('user.role = :role AND user.isActive = true', { role: Role.Admin })
      .orderBy('user.id')
      .setLock('pessimistic_write')
      .getMany();
    return rows.map((row) => row.id);
  }

  findPage(query: UserQueryDto): Promise<Page<User>> {
    const builder = this.users.createQueryBuilder('user');
    if (query.role) builder.andWhere('user.role = :role', { role: query.role });
    if (query.isActive !== undefined) builder.andWhere('user.isActive = :isActive', { isActive: query.isActive });
    return this.paginator.paginate(builder, query, SORTABLE);
  }

  /** Which of the unique fields are already taken (email exactly, username case-insensitively). */
  async findTakenIdentifiers(email: string, username: string): Promise<{ email: boolean; username: boolean }> {
    const rows = await this.users
      .createQueryBuilder('user')
      .select(['user.email', 'user.username'])
      .where('user.email = :email', { email })
      .orWhere('lower(user.username) = lower(:username)', { username })
      .getMany();
    return {
      email: rows.some((row) => row.email === email),
      username: rows.some((row) => row.username.toLowerCase() === username.toLowerCase()),
    };
  }

  insert(user: NewUser): Promise<User> {
    return this.users.save(this.users.create(user));
  }

  async updateProfile(id: string, changes: Partial<Pick<User, 'fullName' | 'phone'>>): Promise<void> {
    await this.users.update({ id }, changes);
  }

  /** New hash, and a new token version: every token issued before stops working. */
  async updatePassword(id: string, passwordHash: string, changedAt: Date): Promise<void> {
    await this.users.update(
      { id },
      { passwordHash, passwordChangedAt: changedAt, tokenVersion: () => 'token_version + 1' },
    );
  }

  async updateRole(id: string, role: Role): Promise<void> {
    await this.users.update({ id }, { role });
  }

  /** Deactivates and raises the token version, so even a later reactivation revives no old token. */
  async deactivate(id: string): Promise<void> {
    await this.users.update({ id }, { isActive: false, tokenVersion: () => 'token_version + 1' });
  }

  async recordLogin(id: string, at: Date): Promise<void> {
    await this.users.update({ id }, { lastLoginAt: at });
  }

  countAll(): Promise<number> {
    return this.users.count();
  }
}
