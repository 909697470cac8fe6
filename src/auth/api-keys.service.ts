import { Injectable, Logger } from '@nestjs/common';

import { AuditService } from '../audit/audit.service';
import { AuditAction, AuditResource } from '../audit/audit-actions';
import { AccessControlService } from '../common/access/access-control.service';
import type { Permission } from '../common/access/permissions';
import type { Principal } from '../common/access/principal';
import {
  AuthenticationException,
  BusinessRuleException,
  PermissionDeniedException,
  ResourceNotFoundException,
  ValidationException,
} from '../common/errors';
import { cacheKey, CacheService } from '../platform/cache';
import { TransactionRunner } from '../platform/database';
import { EventBus } from '../platform/events';
import { ApiKeyCreated } from '../platform/security';
import { UsersService } from '../users/users.service';
import type { ApiKey } from './api-key.entity';
import { generateApiKey, parseApiKey, secretMatches } from './api-key-secret';
import { ApiKeysRepository, type NewApiKey } from './api-keys.repository';
import { AuthMetrics } from './auth.metrics';
import { ApiKeyResponseDto } from './dto/api-key-response.dto';
import type { CreateApiKeyDto } from './dto/create-api-key.dto';
import type { CreatedApiKeyResponseDto } from './dto/created-api-key-response.dto';

/** Enough for any integration; a cap keeps a compromised account from minting keys without end. */
export const MAX_ACTIVE_API_KEYS = 20;
const LAST_USED_INTERVAL_SECONDS = 60;
const CREDENTIAL_TTL_MS = 60_000;

/** A key as authentication caches it (JSON-safe: it may live in Redis). */
interface CachedCredential {
  readonly userId: string;
  readonly secretHash: string;
  readonly permissions: Permission[];
  readonly expiresAtMs: number | null;
  readonly revoked: boolean;
}

function apiKeyCacheTag(id: string): string {
  return `api-key:${id}`;
}

/**
 * API keys: created by their owner with at most the owner's permissions, shown once, stored
 * hashed, revocable; a request with `X-API-Key` acts for the owner with the key's permissions
 * narrowed by the owner's current role (AccessControlService intersects them).
 */
@Injectable()
export class ApiKeysService {
  private readonly logger = new Logger(ApiKeysService.name);
  /** When this process last stamped each key's `last_used_at` (the database stamp is throttled too). */
  private readonly lastStamped = new Map<string, number>();

  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly users: UsersService,
    private readonly access: AccessControlService,
    private readonly audit: AuditService,
    private readonly cache: CacheService,
    private readonly transactions: TransactionRunner,
    private readonly metrics: AuthMetrics,
    private readonly events: EventBus,
  ) {}

  /**
   * Creates a key for the caller. Every permission asked for must be one the caller has with the
   * credential in use (so a key cannot mint a broader key): otherwise 403 naming the others. A key
   * minted with a key never outlives it (no expiry asked: it inherits the minting key's) and is
   * revoked with it. At most MAX_ACTIVE_API_KEYS, counted under a per-user lock.
   */
  async create(principal: Principal, input: CreateApiKeyDto): Promise<CreatedApiKeyResponseDto> {
    const notHeld = input.permissions.filter((permission) => !this.access.can(principal, permission));
    if (notHeld.length > 0) {
      throw new PermissionDeniedException(
        { permissions: notHeld },
        'An API key can only be given permissions you have',
      );
    }
    const expiresAt = expiryOfNewKey(principal, input.expiresAt);
    const mintedById = principal.method === 'api_key' ? principal.credentialId : null;
    const generated = generateApiKey();
    const key = await this.insertWithinCap({
      id: generated.id,
      userId: principal.userId,
      name: input.name,
      secretHash: generated.secretHash,
      permissions: input.permissions,
      expiresAt,
      mintedById,
    });
    this.metrics.apiKeysCreated.inc();
    this.events.signal(ApiKeyCreated, {
      userId: key.userId,
      apiKeyId: key.id,
      permissions: key.permissions,
      mintedById: key.mintedById,
    });
    this.logger.log({ apiKeyId: key.id }, 'API key created');
    const view = ApiKeyResponseDto.fromEntity(key);
    return {
      id: view.id,
      apiKey: generated.key,
      name: view.name,
      permissions: view.permissions,
      expiresAt: view.expiresAt,
      createdAt: view.createdAt,
    };
  }

  /** Inserts the key (audited) under the per-user lock, if the cap and the minting key allow it. */
  private insertWithinCap(key: NewApiKey): Promise<ApiKey> {
    return this.transactions.run(async () => {
      await this.keys.lockKeysOf(key.userId);
      if (key.mintedById !== null && !(await this.keys.isUsableForUpdate(key.mintedById))) {
        throw new AuthenticationException('api_key_revoked');
      }
      if ((await this.keys.countActiveOf(key.userId, new Date())) >= MAX_ACTIVE_API_KEYS) {
        throw new BusinessRuleException(`At most ${MAX_ACTIVE_API_KEYS} active API keys per user`, {
          limit: MAX_ACTIVE_API_KEYS,
        });
      }
      const created = await this.keys.insert(key);
      await this.audit.record({
        action: AuditAction.ApiKeyCreated,
        resourceType: AuditResource.ApiKey,
        resourceId: created.id,
        details: {
          name: created.name,
          permissions: created.permissions,
          expiresAt: created.expiresAt,
          mintedById: created.mintedById,
        },
      });
      return created;
    });
  }

  /** The caller's keys that are not revoked (expired ones included, so they can be cleaned up). */
  async listOwn(userId: string): Promise<ApiKeyResponseDto[]> {
    return (await this.keys.findUsableOf(userId)).map((key) => ApiKeyResponseDto.fromEntity(key));
  }

  /**
   * Revokes one of the caller's keys, and every key minted with it (audited); they stop working
   * at once on every replica. Someone else's key is a 404; revoking a revoked key again changes
   * nothing.
   */
  async revoke(principal: Principal, id: string): Promise<void> {
    await this.transactions.run(async () => {
      if (!(await this.keys.revoke(id, principal.userId))) {
        if (await this.keys.exists(id, principal.userId)) return;
        throw new ResourceNotFoundException('ApiKey', id);
      }
      const minted = await this.keys.revokeMintedBy(id);
      await this.audit.record({
        action: AuditAction.ApiKeyRevoked,
        resourceType: AuditResource.ApiKey,
        resourceId: id,
        details: { alsoRevoked: minted },
      });
      await this.transactions.afterCommit(() => this.cache.invalidateTags(...[id, ...minted].map(apiKeyCacheTag)));
    });
    this.logger.log({ apiKeyId: id }, 'API key revoked');
  }

  /** The principal of an `X-API-Key` value; AuthenticationException for anything not a working key. */
  async authenticate(presented: string): Promise<Principal> {
    const stopTimer = this.metrics.apiKeyVerificationDuration.startTimer();
    try {
      const principal = await this.verify(presented);
      stopTimer({ result: 'valid' });
      return principal;
    } catch (error) {
      stopTimer({ result: error instanceof AuthenticationException ? 'invalid' : 'error' });
      throw error;
    }
  }

  private async verify(presented: string): Promise<Principal> {
    const parsed = parseApiKey(presented);
    if (!parsed) throw new AuthenticationException('malformed_api_key');
    const credential = await this.cache.getOrSet(
      cacheKey('api-keys', 'credential', parsed.id),
      () => this.loadCredential(parsed.id),
      { ttlMs: CREDENTIAL_TTL_MS, tags: [apiKeyCacheTag(parsed.id)] },
    );
    // The secret is checked first: without it, nothing about the key (revoked, expired) is revealed.
    if (!credential || !secretMatches(parsed.secret, credential.secretHash)) {
      throw new AuthenticationException('invalid_api_key');
    }
    if (credential.revoked) throw new AuthenticationException('api_key_revoked');
    if (credential.expiresAtMs !== null && credential.expiresAtMs <= Date.now()) {
      throw new AuthenticationException('api_key_expired');
    }
    const owner = await this.users.findActiveById(credential.userId);
    if (!owner) throw new AuthenticationException('user_inactive_or_missing');
    await this.stampLastUse(parsed.id);
    return {
      userId: owner.id,
      role: owner.role,
      method: 'api_key',
      credentialId: parsed.id,
      scopes: credential.permissions,
      expiresAt: credential.expiresAtMs === null ? undefined : Math.floor(credential.expiresAtMs / 1000),
    };
  }

  private async loadCredential(id: string): Promise<CachedCredential | null> {
    const key = await this.keys.findCredential(id);
    if (!key) return null;
    return {
      userId: key.userId,
      secretHash: key.secretHash,
      permissions: key.permissions,
      expiresAtMs: key.expiresAt?.getTime() ?? null,
      revoked: key.revokedAt !== null,
    };
  }

  /** At most one write a minute per key and process; a failure is logged, never fails the request. */
  private async stampLastUse(id: string): Promise<void> {
    const now = Date.now();
    if (now - (this.lastStamped.get(id) ?? 0) < LAST_USED_INTERVAL_SECONDS * 1000) return;
    if (this.lastStamped.size > 10_000) this.lastStamped.clear();
    this.lastStamped.set(id, now);
    try {
      await this.keys.touchLastUsed(id, LAST_USED_INTERVAL_SECONDS);
    } catch (error) {
      this.logger.warn(
        { apiKeyId: id, err: error instanceof Error ? error.message : String(error) },
        'Could not record API key use',
      );
    }
  }
}

/**
 * The expiry of a new key: the one asked for, which must be in the future and, for a key minted
 * with a key, no later than that key's; a key minted with an expiring key inherits its expiry.
 */
function expiryOfNewKey(principal: Principal, asked: Date | undefined): Date | null {
  if (asked && asked.getTime() <= Date.now()) {
    throw ValidationException.forField(['body', 'expiresAt'], 'must be in the future', 'invalid.expiresAt');
  }
  // Unix seconds: the precision a key's expiry is compared at.
  const ceiling = principal.method === 'api_key' ? principal.expiresAt : undefined;
  if (ceiling === undefined) return asked ?? null;
  if (!asked) return new Date(ceiling * 1000);
  if (Math.floor(asked.getTime() / 1000) > ceiling) {
    throw ValidationException.forField(
      ['body', 'expiresAt'],
      'must not be later than the expiry of the API key in use',
      'invalid.expiresAt',
    );
  }
  return asked;
}
