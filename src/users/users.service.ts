import { Injectable, Logger } from '@nestjs/common';

import { AuditService } from '../audit/audit.service';
import { AuditAction, AuditResource } from '../audit/audit-actions';
import { Role } from '../common/access/roles';
import {
  mapDatabaseError,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  ValidationException,
} from '../common/errors';
import { passwordPolicyViolations } from '../common/validation';
import { cacheKey, CacheService } from '../platform/cache';
import { TransactionRunner } from '../platform/database';
import { EventBus } from '../platform/events';
import { PasswordHasher } from '../platform/security';
import { UserResponseDto } from './dto/user-response.dto';
import { RegistrationRefused, UserRegistered } from './events/user-events';
import type { User } from './user.entity';
import { UsersMetrics } from './users.metrics';
import { type UserAuthState, UsersRepository } from './users.repository';

export interface RegisterUserInput {
  readonly email: string;
  readonly username: string;
  readonly password: string;
  readonly fullName?: string | null;
  readonly role?: Role;
}

/** What other slices learn about a signed-in user: enough to issue and check credentials, nothing more. */
export interface AuthenticatedUser {
  readonly id: string;
  readonly role: Role;
  /** Tokens carry it; a token with another version is stale (password changed, user deactivated). */
  readonly tokenVersion: number;
}

/** The outcome of a credential check. The reasons are for the audit log; clients see one answer. */
export type CredentialsCheck =
  | { readonly ok: true; readonly user: AuthenticatedUser }
  | {
      readonly ok: false;
      readonly reason: 'unknown_account' | 'wrong_password' | 'inactive';
      /** The account the attempt targeted, when it exists. */
      readonly userId: string | null;
    };

export interface ProfileChanges {
  readonly fullName?: string | null;
  readonly phone?: string | null;
  readonly password?: string;
  readonly currentPassword?: string;
}

/** How long a user's authentication state is cached; changes invalidate it at once anyway. */
const AUTH_STATE_TTL_MS = 60_000;

/** The cache tag of everything cached about one user; invalidated when its role, state or credentials change. */
function userCacheTag(userId: string): string {
  return `user:${userId}`;
}

/**
 * Accounts: registration, credentials and profiles. The slice's public face: other slices call
 * this service and get DTOs or small read models back, never the entity.
 */
@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly passwords: PasswordHasher,
    private readonly transactions: TransactionRunner,
    private readonly cache: CacheService,
    private readonly audit: AuditService,
    private readonly metrics: UsersMetrics,
    private readonly events: EventBus,
  ) {}

  /**
   * Self-service sign-up (role `customer`), answering nothing about who is registered: a taken
   * email or username creates nothing and the caller cannot tell (the same work, password hash
   * included, and the same answer); the owner of the email is told out of band through
   * `user.registration_refused`, a new account announced with `user.registered`.
   */
  async registerQuietly(input: Omit<RegisterUserInput, 'role'>): Promise<void> {
    try {
      const user = await this.register(input);
      await this.events.publish(UserRegistered, { userId: user.id, email: user.email });
    } catch (error) {
      // A concurrent sign-up with the same email reaches the unique index instead of the check.
      const taken = error instanceof ResourceAlreadyExistsException ? error : mapDatabaseError(error);
      if (!(taken instanceof ResourceAlreadyExistsException)) throw error;
      const reason = taken.details?.field === 'username' ? 'username_taken' : 'email_taken';
      await this.events.publish(RegistrationRefused, { email: input.email, reason });
      this.logger.log({ reason }, 'Registration refused quietly');
    }
  }

  /**
   * Creates an account (role `customer` unless told otherwise). A taken email or username is a
   * 409 naming the field; the unique indexes back this check up under concurrent sign-ups.
   */
  async register(input: RegisterUserInput): Promise<UserResponseDto> {
    // Hashing is deliberately slow: done before the transaction, so it holds no connection.
    const passwordHash = await this.passwords.hash(input.password);
    const user = await this.transactions
      .run(async () => {
        const taken = await this.users.findTakenIdentifiers(input.email, input.username);
        if (taken.email) throw new ResourceAlreadyExistsException('User', 'email');
        if (taken.username) throw new ResourceAlreadyExistsException('User', 'username');
        return this.users.insert({
          email: input.email,
          username: input.username,
          passwordHash,
          fullName: input.fullName ?? null,
          role: input.role ?? Role.Customer,
        });
      })
      .catch((error: unknown) => {
        if (error instanceof ResourceAlreadyExistsException) this.metrics.registrations.inc({ result: 'conflict' });
        throw error;
      });
    this.metrics.registrations.inc({ result: 'created' });
    this.logger.log({ newUserId: user.id, role: user.role }, 'User registered');
    return UserResponseDto.fromEntity(user);
  }

  /**
   * Checks an email and password. Unknown email and wrong password cost the same (a full argon2
   * verification either way), so response timing does not reveal which accounts exist.
   */
  async verifyCredentials(email: string, password: string): Promise<CredentialsCheck> {
    const user = await this.users.findByEmailWithPassword(email);
    const valid = await this.passwords.verify(user?.passwordHash, password);
    if (!user) return { ok: false, reason: 'unknown_account', userId: null };
    if (!valid) return { ok: false, reason: 'wrong_password', userId: user.id };
    if (!user.isActive) return { ok: false, reason: 'inactive', userId: user.id };
    return { ok: true, user: toAuthenticatedUser(user) };
  }

  /** Stamps the sign-in time; joins the caller's transaction (the login and its audit entry). */
  async recordLogin(userId: string): Promise<void> {
    await this.users.recordLogin(userId, new Date());
  }

  async getById(id: string): Promise<UserResponseDto> {
    const user = await this.users.findById(id);
    if (!user) throw new ResourceNotFoundException('User', id);
    return UserResponseDto.fromEntity(user);
  }

  /** The account with this (lower-cased) email, or null; e.g. to find the demo admin when seeding. */
  async findByEmail(email: string): Promise<UserResponseDto | null> {
    const user = await this.users.findByEmail(email);
    return user ? UserResponseDto.fromEntity(user) : null;
  }

  /**
   * The user if it exists and may still sign in; null otherwise. Read on every authenticated
   * request, so it is cached per user and invalidated (on every replica) when the role, the
   * active flag or the token version changes.
   */
  async findActiveById(id: string): Promise<AuthenticatedUser | null> {
    const state = await this.cache.getOrSet<UserAuthState | null>(
      cacheKey('users', 'auth-state', id),
      () => this.users.findAuthState(id),
      { ttlMs: AUTH_STATE_TTL_MS, tags: [userCacheTag(id)] },
    );
    return state?.isActive ? toAuthenticatedUser(state) : null;
  }

  /**
   * Updates the caller's own profile. A new password needs the current one; it is audited and
   * invalidates every token the user holds (they sign in again with the new password).
   */
  async updateProfile(userId: string, changes: ProfileChanges): Promise<UserResponseDto> {
    const user = await this.users.findByIdWithPassword(userId);
    if (!user) throw new ResourceNotFoundException('User', userId);
    const newPasswordHash =
      changes.password === undefined
        ? undefined
        : await this.hashNewPassword(user, changes.password, changes.currentPassword);
    const profile = pickDefined({ fullName: changes.fullName, phone: changes.phone });
    await this.transactions.run(async () => {
      if (newPasswordHash) await this.changePassword(userId, newPasswordHash);
      if (Object.keys(profile).length > 0) await this.users.updateProfile(userId, profile);
    });
    return this.getById(userId);
  }

  private async changePassword(userId: string, passwordHash: string): Promise<void> {
    await this.users.updatePassword(userId, passwordHash, new Date());
    await this.audit.record({
      action: AuditAction.PasswordChanged,
      resourceType: AuditResource.User,
      resourceId: userId,
    });
    await this.transactions.afterCommit(async () => {
      await this.forgetAuthState(userId);
      this.logger.log('Password changed');
    });
  }

  /** Drops the cached authentication state of a user, on every replica; call after the change commits. */
  async forgetAuthState(userId: string): Promise<void> {
    await this.cache.invalidateTags(userCacheTag(userId));
  }

  /** Checks the current password and the policy, and hashes the new one. */
  private async hashNewPassword(user: User, password: string, currentPassword: string | undefined): Promise<string> {
    if (!(await this.passwords.verify(user.passwordHash, currentPassword ?? ''))) {
      throw ValidationException.forField(['body', 'currentPassword'], 'is incorrect', 'invalid.currentPassword');
    }
    const problems = passwordPolicyViolations(password, [user.email, user.username]);
    if (problems.length > 0) {
      throw ValidationException.forField(
        ['body', 'password'],
        `must ${problems.join('; ')}`,
        'invalid.meetsPasswordPolicy',
      );
    }
    return this.passwords.hash(password);
  }
}

function toAuthenticatedUser(user: UserAuthState): AuthenticatedUser {
  return { id: user.id, role: user.role, tokenVersion: user.tokenVersion };
}

function pickDefined<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
