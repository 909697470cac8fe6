import { Logger } from '@nestjs/common';

import {
  type CacheMock,
  compileUnit,
  newAccessRecorderMock,
  newAuditMock,
  newCacheMock,
} from '../../test/support/unit';
import { AuditService } from '../audit/audit.service';
import { AuditAction, AuditResource } from '../audit/audit-actions';
import { AccessControlService } from '../common/access/access-control.service';
import { AccessDecisionRecorder } from '../common/access/access-decision.recorder';
import { Permission } from '../common/access/permissions';
import type { Principal } from '../common/access/principal';
import { Role } from '../common/access/roles';
import {
  BusinessRuleException,
  PermissionDeniedException,
  ResourceNotFoundException,
  ValidationException,
} from '../common/errors';
import { CacheService } from '../platform/cache';
import { EventBus } from '../platform/events';
import { MetricsRegistry } from '../platform/metrics/metrics-registry';
import { UsersService } from '../users/users.service';
import { generateApiKey } from './api-key-secret';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService, MAX_ACTIVE_API_KEYS } from './api-keys.service';
import { AuthMetrics } from './auth.metrics';

const USER_ID = '0b6f1c52-6a4e-4c59-9d0e-1f6a2b3c4d5e';
const STAFF: Principal = { userId: USER_ID, role: Role.Staff, method: 'access_token', credentialId: 'jti' };
const CREATED_AT = new Date('2026-11-22T10:00:00.000Z');

describe(ApiKeysService.name, () => {
  let sut: ApiKeysService;
  let keys: Record<string, jest.Mock>;
  let users: { findActiveById: jest.Mock };
  let audit: { record: jest.Mock };
  let cache: CacheMock;

  beforeEach(async () => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    keys = {
      countActiveOf: jest.fn().mockResolvedValue(0),
      lockKeysOf: jest.fn().mockResolvedValue(undefined),
      isUsableForUpdate: jest.fn().mockResolvedValue(true),
      revokeMintedBy: jest.fn().mockResolvedValue([]),
      insert: jest.fn((key: Record<string, unknown>) =>
        Promise.resolve({ ...key, lastUsedAt: null, revokedAt: null, createdAt: CREATED_AT }),
      ),
      findCredential: jest.fn().mockResolvedValue(null),
      findUsableOf: jest.fn().mockResolvedValue([]),
      revoke: jest.fn().mockResolvedValue(true),
      exists: jest.fn().mockResolvedValue(false),
      touchLastUsed: jest.fn().mockResolvedValue(undefined),
    };
    users = { findActiveById: jest.fn().mockResolvedValue({ id: USER_ID, role: Role.Staff, tokenVersion: 0 }) };
    audit = newAuditMock();
    cache = newCacheMock();
    const moduleRef = await compileUnit([
      ApiKeysService,
      AccessControlService,
      { provide: AccessDecisionRecorder, useValue: newAccessRecorderMock() },
      { provide: ApiKeysRepository, useValue: keys },
      { provide: UsersService, useValue: users },
      { provide: AuditService, useValue: audit },
      { provide: CacheService, useValue: cache },
      { provide: EventBus, useValue: { signal: jest.fn() } },
      AuthMetrics,
      MetricsRegistry,
    ]);
    sut = moduleRef.get(ApiKeysService);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  describe('create', () => {
    it('stores the hash, audits the creation, and shows the key once', async () => {
      const created = await sut.create(STAFF, { name: 'sync', permissions: [Permission.ProductsCreate] });

      expect(created).toEqual({
        id: expect.any(String),
        apiKey: expect.stringMatching(new RegExp(`^${created.id}\\.[A-Za-z0-9_-]{43}$`)),
        name: 'sync',
        permissions: [Permission.ProductsCreate],
        expiresAt: null,
        createdAt: CREATED_AT.toISOString(),
      });
      const [[stored]] = keys.insert.mock.calls as Array<[Record<string, unknown>]>;
      expect(stored.secretHash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(stored)).not.toContain(created.apiKey.split('.')[1]);
      expect(audit.record).toHaveBeenCalledWith(
        expect.objectContaining({ action: AuditAction.ApiKeyCreated, resourceType: AuditResource.ApiKey }),
      );
    });

    it('refuses permissions the caller does not have, naming them', async () => {
      const promise = sut.create(STAFF, { name: 'x', permissions: [Permission.ProductsRead, Permission.UsersManage] });

      await expect(promise).rejects.toThrow(PermissionDeniedException);
      await expect(promise).rejects.toMatchObject({ details: { permissions: [Permission.UsersManage] } });
      expect(keys.insert).not.toHaveBeenCalled();
    });

    it('lets a key mint only what the key itself may do', async () => {
      const viaKey: Principal = { ...STAFF, method: 'api_key', scopes: [Permission.ProductsRead] };

      await expect(sut.create(viaKey, { name: 'x', permissions: [Permission.ProductsCreate] })).rejects.toThrow(
        PermissionDeniedException,
      );
    });

    it('refuses an expiry in the past', async () => {
      const promise = sut.create(STAFF, {
        name: 'x',
        permissions: [Permission.ProductsRead],
        expiresAt: new Date(Date.now() - 1000),
      });

      await expect(promise).rejects.toThrow(ValidationException);
    });

    it(`refuses more than ${MAX_ACTIVE_API_KEYS} active keys`, async () => {
      keys.countActiveOf.mockResolvedValue(MAX_ACTIVE_API_KEYS);

      await expect(sut.create(STAFF, { name: 'x', permissions: [Permission.ProductsRead] })).rejects.toThrow(
        BusinessRuleException,
      );
      expect(keys.insert).not.toHaveBeenCalled();
    });
  });

  describe('revoke', () => {
    it('revokes the caller’s key and those minted with it, audits it and drops their cached credentials', async () => {
      keys.revokeMintedBy.mockResolvedValue(['child-id']);

      await sut.revoke(STAFF, 'key-id');

      expect(keys.revoke).toHaveBeenCalledWith('key-id', USER_ID);
      expect(keys.revokeMintedBy).toHaveBeenCalledWith('key-id');
      expect(audit.record).toHaveBeenCalledWith(
        expect.objectContaining({ action: AuditAction.ApiKeyRevoked, details: { alsoRevoked: ['child-id'] } }),
      );
      expect(cache.invalidateTags).toHaveBeenCalledWith('api-key:key-id', 'api-key:child-id');
    });

    it('answers 404 for a key that is not the caller’s', async () => {
      keys.revoke.mockResolvedValue(false);

      await expect(sut.revoke(STAFF, 'key-id')).rejects.toThrow(ResourceNotFoundException);
      expect(audit.record).not.toHaveBeenCalled();
    });

    it('changes nothing for a key already revoked', async () => {
      keys.revoke.mockResolvedValue(false);
      keys.exists.mockResolvedValue(true);

      await expect(sut.revoke(STAFF, 'key-id')).resolves.toBeUndefined();
      expect(audit.record).not.toHaveBeenCalled();
    });
  });

  describe('authenticate', () => {
    const generated = generateApiKey();
    const credential = (overrides: Record<string, unknown> = {}) => ({
      id: generated.id,
      userId: USER_ID,
      secretHash: generated.secretHash,
      permissions: [Permission.ProductsRead],
      expiresAt: null,
      revokedAt: null,
      ...overrides,
    });

    it('acts for the owner, with the owner’s current role and the key’s permissions as scopes', async () => {
      keys.findCredential.mockResolvedValue(credential());

      await expect(sut.authenticate(generated.key)).resolves.toEqual({
        userId: USER_ID,
        role: Role.Staff,
        method: 'api_key',
        credentialId: generated.id,
        scopes: [Permission.ProductsRead],
        expiresAt: undefined,
      });
      expect(keys.touchLastUsed).toHaveBeenCalledWith(generated.id, 60);
    });

    it('stamps the last use at most once a minute', async () => {
      keys.findCredential.mockResolvedValue(credential());

      await sut.authenticate(generated.key);
      await sut.authenticate(generated.key);

      expect(keys.touchLastUsed).toHaveBeenCalledTimes(1);
    });

    it('never fails a request because the stamp could not be written', async () => {
      jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      keys.findCredential.mockResolvedValue(credential());
      keys.touchLastUsed.mockRejectedValue(new Error('database busy'));

      await expect(sut.authenticate(generated.key)).resolves.toMatchObject({ userId: USER_ID });
    });

    it.each([
      ['a malformed key', () => 'nope', undefined, 'malformed_api_key'],
      ['an unknown key', () => generated.key, null, 'invalid_api_key'],
      ['a wrong secret', () => `${generated.id}.${'A'.repeat(43)}`, credential(), 'invalid_api_key'],
      ['a revoked key', () => generated.key, credential({ revokedAt: new Date() }), 'api_key_revoked'],
      ['an expired key', () => generated.key, credential({ expiresAt: new Date(Date.now() - 1) }), 'api_key_expired'],
    ])('refuses %s', async (_label, presented, stored, reason) => {
      if (stored !== undefined) keys.findCredential.mockResolvedValue(stored);

      await expect(sut.authenticate(presented())).rejects.toMatchObject({ reason });
      expect(keys.touchLastUsed).not.toHaveBeenCalled();
    });

    it('refuses the key of an owner who is deactivated', async () => {
      keys.findCredential.mockResolvedValue(credential());
      users.findActiveById.mockResolvedValue(null);

      await expect(sut.authenticate(generated.key)).rejects.toMatchObject({ reason: 'user_inactive_or_missing' });
    });

    it('caches the credential under a tag revocation invalidates', async () => {
      keys.findCredential.mockResolvedValue(credential());

      await sut.authenticate(generated.key);

      expect(cache.getOrSet).toHaveBeenCalledWith(
        `api-keys:credential:${generated.id}`,
        expect.any(Function),
        expect.objectContaining({ tags: [`api-key:${generated.id}`] }),
      );
    });
  });
});
