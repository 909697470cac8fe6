import { Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';

import { type CacheMock, compileUnit, newAuditMock, newCacheMock } from '../../test/support/unit';
import { AuditService } from '../audit/audit.service';
import { AuditAction, AuditResource } from '../audit/audit-actions';
import { Role } from '../common/access/roles';
import {
  type FieldError,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  ValidationException,
} from '../common/errors';
import { CacheService } from '../platform/cache';
import { EventBus } from '../platform/events';
import { MetricsRegistry } from '../platform/metrics/metrics-registry';
import { PasswordHasher } from '../platform/security';
import { RegistrationRefused, UserRegistered } from './events/user-events';
import type { User } from './user.entity';
import { UsersMetrics } from './users.metrics';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

const USER_ID = '0b6f1c52-6a4e-4c59-9d0e-1f6a2b3c4d5e';
const STRONG_PASSWORD = 'N3w-passw0rd!';

function aUser(overrides: Partial<User> = {}): User {
  return {
    id: USER_ID,
    email: 'ada@example.com',
    username: 'ada',
    passwordHash: 'hash:Old-passw0rd!',
    fullName: 'Ada Lovelace',
    phone: null,
    role: Role.Customer,
    isActive: true,
    tokenVersion: 0,
    lastLoginAt: null,
    passwordChangedAt: null,
    createdAt: new Date('2026-01-01T10:00:00.000Z'),
    updatedAt: new Date('2026-01-02T10:00:00.000Z'),
    ...overrides,
  };
}

/** The single field error of the ValidationException `promise` rejects with; fails the test otherwise. */
async function rejectedError(promise: Promise<unknown>): Promise<FieldError> {
  const error = await promise.catch((rejection: unknown) => rejection);
  expect(error).toBeInstanceOf(ValidationException);
  const { errors } = error as ValidationException;
  expect(errors).toHaveLength(1);
  return errors[0];
}

describe(UsersService.name, () => {
  let sut: UsersService;
  let users: jest.Mocked<
    Pick<
      UsersRepository,
      | 'findTakenIdentifiers'
      | 'insert'
      | 'findByEmailWithPassword'
      | 'findByIdWithPassword'
      | 'findById'
      | 'findAuthState'
      | 'findByEmail'
      | 'recordLogin'
      | 'updateProfile'
      | 'updatePassword'
    >
  >;
  let passwords: jest.Mocked<Pick<PasswordHasher, 'hash' | 'verify'>>;
  let cache: CacheMock;
  let audit: { record: jest.Mock };
  let txHost: TransactionHost;
  let metrics: MetricsRegistry;

  const registrations = async () => {
    const samples = (await metrics.registry.getSingleMetric('user_registrations_total')?.get())?.values ?? [];
    return Object.fromEntries(samples.map((sample) => [sample.labels.result, sample.value]));
  };

  let events: { publish: jest.Mock };

  beforeEach(async () => {
    events = { publish: jest.fn().mockResolvedValue(undefined) };
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    users = {
      findTakenIdentifiers: jest.fn().mockResolvedValue({ email: false, username: false }),
      insert: jest.fn((user) => Promise.resolve(aUser({ ...user, id: 'new-user-id' }))),
      findByEmail: jest.fn().mockResolvedValue(null),
      findByEmailWithPassword: jest.fn().mockResolvedValue(null),
      findByIdWithPassword: jest.fn().mockResolvedValue(null),
      findById: jest.fn().mockResolvedValue(null),
      findAuthState: jest.fn().mockResolvedValue(null),
      recordLogin: jest.fn().mockResolvedValue(undefined),
      updateProfile: jest.fn().mockResolvedValue(undefined),
      updatePassword: jest.fn().mockResolvedValue(undefined),
    };
    passwords = {
      hash: jest.fn((password: string) => Promise.resolve(`hash:${password}`)),
      verify: jest.fn((hash: string | null | undefined, password: string) =>
        Promise.resolve(hash === `hash:${password}`),
      ),
    };
    cache = newCacheMock();
    audit = newAuditMock();

    const moduleRef = await compileUnit([
      UsersService,
      { provide: UsersRepository, useValue: users },
      { provide: PasswordHasher, useValue: passwords },
      { provide: CacheService, useValue: cache },
      { provide: AuditService, useValue: audit },
      { provide: EventBus, useValue: events },
      UsersMetrics,
      MetricsRegistry,
    ]);
    sut = moduleRef.get(UsersService);
    metrics = moduleRef.get(MetricsRegistry);
    txHost = moduleRef.get(TransactionHost);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  describe('registerQuietly', () => {
    const input = { email: 'grace@example.com', username: 'grace', password: 'Correct-Horse-42' };

    it('creates the account and announces it', async () => {
      users.findTakenIdentifiers.mockResolvedValue({ email: false, username: false });

      await expect(sut.registerQuietly(input)).resolves.toBeUndefined();
      expect(events.publish).toHaveBeenCalledWith(UserRegistered, expect.objectContaining({ email: input.email }));
    });

    it.each([
      [{ email: true, username: false }, 'email_taken'],
      [{ email: false, username: true }, 'username_taken'],
    ])('answers a taken identifier (%p) the same way and tells the address instead', async (taken, reason) => {
      users.findTakenIdentifiers.mockResolvedValue(taken);

      await expect(sut.registerQuietly(input)).resolves.toBeUndefined();
      expect(users.insert).not.toHaveBeenCalled();
      expect(events.publish).toHaveBeenCalledWith(RegistrationRefused, { email: input.email, reason });
    });
  });

  describe('register', () => {
    const input = { email: 'grace@example.com', username: 'grace', password: STRONG_PASSWORD };

    it('creates a customer and returns the public view of the account', async () => {
      const result = await sut.register(input);

      expect(result).toEqual({
        id: 'new-user-id',
        email: 'grace@example.com',
        username: 'grace',
        fullName: null,
        phone: null,
        role: Role.Customer,
        isActive: true,
        createdAt: '2026-01-01T10:00:00.000Z',
        updatedAt: '2026-01-02T10:00:00.000Z',
      });
      expect(result).not.toHaveProperty('passwordHash');
      expect(JSON.stringify(result)).not.toContain(STRONG_PASSWORD);
    });

    it('stores the hash of the password, never the password', async () => {
      await sut.register({ ...input, fullName: 'Grace Hopper', role: Role.Staff });

      expect(passwords.hash).toHaveBeenCalledWith(STRONG_PASSWORD);
      expect(users.insert).toHaveBeenCalledWith({
        email: 'grace@example.com',
        username: 'grace',
        passwordHash: `hash:${STRONG_PASSWORD}`,
        fullName: 'Grace Hopper',
        role: Role.Staff,
      });
    });

    it('checks and inserts inside one transaction', async () => {
      const inTransaction: boolean[] = [];
      users.findTakenIdentifiers.mockImplementation(() => {
        inTransaction.push(txHost.isTransactionActive());
        return Promise.resolve({ email: false, username: false });
      });
      users.insert.mockImplementation((user) => {
        inTransaction.push(txHost.isTransactionActive());
        return Promise.resolve(aUser(user));
      });

      await sut.register(input);

      expect(inTransaction).toEqual([true, true]);
    });

    it('refuses a taken email, naming the field', async () => {
      users.findTakenIdentifiers.mockResolvedValue({ email: true, username: true });

      const promise = sut.register(input);

      await expect(promise).rejects.toThrow(ResourceAlreadyExistsException);
      await expect(promise).rejects.toMatchObject({ details: { resourceType: 'User', field: 'email' } });
      expect(users.insert).not.toHaveBeenCalled();
    });

    it('refuses a taken username, naming the field', async () => {
      users.findTakenIdentifiers.mockResolvedValue({ email: false, username: true });

      const promise = sut.register(input);

      await expect(promise).rejects.toThrow(ResourceAlreadyExistsException);
      await expect(promise).rejects.toMatchObject({ details: { field: 'username' } });
      expect(users.insert).not.toHaveBeenCalled();
    });

    it('counts registrations by result', async () => {
      await sut.register(input);
      users.findTakenIdentifiers.mockResolvedValue({ email: true, username: false });
      await sut.register(input).catch(() => undefined);

      expect(await registrations()).toEqual({ created: 1, conflict: 1 });
    });
  });

  describe('verifyCredentials', () => {
    it('accepts an active user with the right password, without recording anything itself', async () => {
      users.findByEmailWithPassword.mockResolvedValue(aUser({ role: Role.Admin, tokenVersion: 4 }));

      await expect(sut.verifyCredentials('ada@example.com', 'Old-passw0rd!')).resolves.toEqual({
        ok: true,
        user: { id: USER_ID, role: Role.Admin, tokenVersion: 4 },
      });
      expect(users.recordLogin).not.toHaveBeenCalled();
    });

    it('refuses an unknown email after a full verification against no hash', async () => {
      await expect(sut.verifyCredentials('nobody@example.com', 'Old-passw0rd!')).resolves.toEqual({
        ok: false,
        reason: 'unknown_account',
        userId: null,
      });

      expect(passwords.verify).toHaveBeenCalledTimes(1);
      expect(passwords.verify).toHaveBeenCalledWith(undefined, 'Old-passw0rd!');
    });

    it('refuses a wrong password, naming the account for the audit log', async () => {
      users.findByEmailWithPassword.mockResolvedValue(aUser());

      await expect(sut.verifyCredentials('ada@example.com', 'Wrong-passw0rd!')).resolves.toEqual({
        ok: false,
        reason: 'wrong_password',
        userId: USER_ID,
      });
      expect(passwords.verify).toHaveBeenCalledWith('hash:Old-passw0rd!', 'Wrong-passw0rd!');
    });

    it('refuses a deactivated user, even with the right password', async () => {
      users.findByEmailWithPassword.mockResolvedValue(aUser({ isActive: false }));

      await expect(sut.verifyCredentials('ada@example.com', 'Old-passw0rd!')).resolves.toMatchObject({
        ok: false,
        reason: 'inactive',
      });
    });
  });

  describe('recordLogin', () => {
    it('stamps the sign-in time', async () => {
      await sut.recordLogin(USER_ID);

      expect(users.recordLogin).toHaveBeenCalledWith(USER_ID, expect.any(Date));
    });
  });

  describe('getById and findActiveById', () => {
    it('returns the public view of a user', async () => {
      users.findById.mockResolvedValue(aUser());

      await expect(sut.getById(USER_ID)).resolves.toMatchObject({ id: USER_ID, email: 'ada@example.com' });
    });

    it('throws ResourceNotFoundException for an unknown user', async () => {
      await expect(sut.getById(USER_ID)).rejects.toThrow(ResourceNotFoundException);
    });

    it('finds an active user and nothing else', async () => {
      users.findAuthState
        .mockResolvedValueOnce(aUser({ tokenVersion: 2 }))
        .mockResolvedValueOnce(aUser({ isActive: false }));

      await expect(sut.findActiveById(USER_ID)).resolves.toEqual({ id: USER_ID, role: Role.Customer, tokenVersion: 2 });
      await expect(sut.findActiveById(USER_ID)).resolves.toBeNull();
      await expect(sut.findActiveById(USER_ID)).resolves.toBeNull();
    });

    it('reads the state through the cache, tagged per user', async () => {
      await sut.findActiveById(USER_ID);

      expect(cache.getOrSet).toHaveBeenCalledWith(
        `users:auth-state:${USER_ID}`,
        expect.any(Function),
        expect.objectContaining({ tags: [`user:${USER_ID}`] }),
      );
    });
  });

  describe('findByEmail', () => {
    it('returns the public view of the account with that email, or null', async () => {
      users.findByEmail.mockResolvedValueOnce(aUser());

      await expect(sut.findByEmail('ada@example.com')).resolves.toMatchObject({ id: USER_ID, role: Role.Customer });
      await expect(sut.findByEmail('nobody@example.com')).resolves.toBeNull();
      expect(users.findByEmail).toHaveBeenCalledWith('ada@example.com');
    });
  });

  describe('updateProfile', () => {
    beforeEach(() => {
      users.findByIdWithPassword.mockResolvedValue(aUser());
      users.findById.mockResolvedValue(aUser({ fullName: 'Ada King' }));
    });

    it('throws ResourceNotFoundException for an unknown user', async () => {
      users.findByIdWithPassword.mockResolvedValue(null);

      await expect(sut.updateProfile(USER_ID, { fullName: 'Ada King' })).rejects.toThrow(ResourceNotFoundException);
      expect(users.updateProfile).not.toHaveBeenCalled();
    });

    it('updates profile fields without touching the password, and returns the fresh view', async () => {
      const result = await sut.updateProfile(USER_ID, { fullName: 'Ada King', phone: null });

      expect(users.updateProfile).toHaveBeenCalledWith(USER_ID, { fullName: 'Ada King', phone: null });
      expect(passwords.verify).not.toHaveBeenCalled();
      expect(passwords.hash).not.toHaveBeenCalled();
      expect(users.updatePassword).not.toHaveBeenCalled();
      expect(result).toMatchObject({ id: USER_ID, fullName: 'Ada King' });
      expect(result).not.toHaveProperty('passwordHash');
    });

    it('leaves out fields that were not sent', async () => {
      await sut.updateProfile(USER_ID, { phone: '+14155550123' });

      expect(users.updateProfile).toHaveBeenCalledWith(USER_ID, { phone: '+14155550123' });
    });

    it('writes nothing for an empty change set', async () => {
      await sut.updateProfile(USER_ID, {});

      expect(users.updateProfile).not.toHaveBeenCalled();
      expect(users.updatePassword).not.toHaveBeenCalled();
    });

    it('changes the password when the current one is right', async () => {
      await sut.updateProfile(USER_ID, { password: STRONG_PASSWORD, currentPassword: 'Old-passw0rd!' });

      expect(passwords.verify).toHaveBeenCalledWith('hash:Old-passw0rd!', 'Old-passw0rd!');
      expect(passwords.hash).toHaveBeenCalledWith(STRONG_PASSWORD);
      expect(users.updatePassword).toHaveBeenCalledWith(USER_ID, `hash:${STRONG_PASSWORD}`, expect.any(Date));
      expect(users.updateProfile).not.toHaveBeenCalled();
    });

    it('audits a password change in its transaction and forgets the cached state once committed', async () => {
      const order: string[] = [];
      audit.record.mockImplementation(() => {
        order.push(`audit:${String(txHost.isTransactionActive())}`);
        return Promise.resolve();
      });
      cache.invalidateTags.mockImplementation(() => {
        order.push(`invalidate:${String(txHost.isTransactionActive())}`);
        return Promise.resolve();
      });

      await sut.updateProfile(USER_ID, { password: STRONG_PASSWORD, currentPassword: 'Old-passw0rd!' });

      expect(audit.record).toHaveBeenCalledWith({
        action: AuditAction.PasswordChanged,
        resourceType: AuditResource.User,
        resourceId: USER_ID,
      });
      expect(cache.invalidateTags).toHaveBeenCalledWith(`user:${USER_ID}`);
      expect(order).toEqual(['audit:true', 'invalidate:false']);
    });

    it('neither audits nor invalidates a profile change without a password', async () => {
      await sut.updateProfile(USER_ID, { fullName: 'Ada King' });

      expect(audit.record).not.toHaveBeenCalled();
      expect(cache.invalidateTags).not.toHaveBeenCalled();
    });

    it('refuses a wrong current password at body.currentPassword', async () => {
      const promise = sut.updateProfile(USER_ID, {
        fullName: 'Ada King',
        password: STRONG_PASSWORD,
        currentPassword: 'Wrong-passw0rd!',
      });

      await expect(rejectedError(promise)).resolves.toMatchObject({ loc: ['body', 'currentPassword'] });
      expect(users.updatePassword).not.toHaveBeenCalled();
      expect(users.updateProfile).not.toHaveBeenCalled();
    });

    it('refuses a missing current password at body.currentPassword', async () => {
      const promise = sut.updateProfile(USER_ID, { password: STRONG_PASSWORD });

      await expect(rejectedError(promise)).resolves.toMatchObject({ loc: ['body', 'currentPassword'] });
      expect(users.updatePassword).not.toHaveBeenCalled();
    });

    it.each([
      ['the email', 'ADA-L0VELACE!@example.com'],
      ['the username', 'aDA-l0VELACE#1'],
    ])('refuses a new password equal to %s (ignoring case) at body.password', async (_label, newPassword) => {
      users.findByIdWithPassword.mockResolvedValue(
        aUser({ email: 'ada-l0velace!@example.com', username: 'Ada-L0velace#1' }),
      );

      const promise = sut.updateProfile(USER_ID, { password: newPassword, currentPassword: 'Old-passw0rd!' });

      await expect(rejectedError(promise)).resolves.toEqual({
        loc: ['body', 'password'],
        msg: 'must differ from your email and username',
        type: 'invalid.meetsPasswordPolicy',
      });
      expect(passwords.hash).not.toHaveBeenCalled();
      expect(users.updatePassword).not.toHaveBeenCalled();
    });

    it('refuses a new password that breaks the policy at body.password', async () => {
      const promise = sut.updateProfile(USER_ID, { password: 'short', currentPassword: 'Old-passw0rd!' });

      await expect(rejectedError(promise)).resolves.toMatchObject({ loc: ['body', 'password'] });
      expect(users.updatePassword).not.toHaveBeenCalled();
    });

    it('runs inside a transaction', async () => {
      let inTransaction = false;
      users.updatePassword.mockImplementation(() => {
        inTransaction = txHost.isTransactionActive();
        return Promise.resolve();
      });

      await sut.updateProfile(USER_ID, { password: STRONG_PASSWORD, currentPassword: 'Old-passw0rd!' });

      expect(inTransaction).toBe(true);
    });
  });
});
