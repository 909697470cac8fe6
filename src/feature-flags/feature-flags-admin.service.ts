import { Injectable, Logger } from '@nestjs/common';

import { AuditService } from '../audit/audit.service';
import { AuditAction, AuditResource } from '../audit/audit-actions';
import { ResourceNotFoundException } from '../common/errors';
import { TransactionRunner } from '../platform/database';
import { FeatureFlagResponseDto } from './dto/feature-flag-response.dto';
import type { FeatureFlag } from './feature-flag.entity';
import { FeatureFlagCache } from './feature-flag-cache';
import { FeatureFlagsRepository, type FlagSettings } from './feature-flags.repository';

/** What an administrator sends for a flag; omitted fields take their defaults. */
export interface FlagSettingsInput {
  readonly description?: string | null;
  readonly enabled: boolean;
  readonly percentage?: number;
  readonly userIds?: readonly string[];
}

export interface UpsertResult {
  readonly flag: FeatureFlagResponseDto;
  readonly created: boolean;
}

/**
 * Administration of flags. Every change is audited with the flag before and after, in the same
 * transaction, and makes the cached flag set stale on every replica once it has committed.
 */
@Injectable()
export class FeatureFlagsAdminService {
  private readonly logger = new Logger(FeatureFlagsAdminService.name);

  constructor(
    private readonly flags: FeatureFlagsRepository,
    private readonly cache: FeatureFlagCache,
    private readonly audit: AuditService,
    private readonly transactions: TransactionRunner,
  ) {}

  /** Every flag, by key (read from Postgres: administrators see the stored truth, not a cached copy). */
  async list(): Promise<FeatureFlagResponseDto[]> {
    return (await this.flags.findAll()).map((flag) => FeatureFlagResponseDto.fromEntity(flag));
  }

  async get(key: string): Promise<FeatureFlagResponseDto> {
    const flag = await this.flags.findByKey(key);
    if (!flag) throw new ResourceNotFoundException('FeatureFlag', key);
    return FeatureFlagResponseDto.fromEntity(flag);
  }

  /**
   * Creates the flag or replaces its settings. The row is locked while it changes, so concurrent
   * changes apply one after the other and each audit entry's `before` is what it replaced. A body
   * that changes nothing writes nothing (no audit entry, no invalidation).
   */
  async upsert(key: string, input: FlagSettingsInput): Promise<UpsertResult> {
    const settings = withDefaults(input);
    const outcome = await this.transactions.run(async () => {
      const before = await this.lockOrCreate(key, settings);
      if (before && sameSettings(before, settings)) return { changed: false, created: false };
      if (before) await this.flags.update(key, settings);
      await this.audit.record({
        action: before ? AuditAction.FeatureFlagUpdated : AuditAction.FeatureFlagCreated,
        resourceType: AuditResource.FeatureFlag,
        resourceId: key,
        details: { before: before ? auditedSettings(before) : null, after: auditedSettings(settings) },
      });
      await this.cache.invalidateAfterCommit();
      return { changed: true, created: !before };
    });
    if (outcome.changed) {
      const { enabled, percentage, allowedUserIds } = settings;
      // The allow list itself is in the audit entry; a log line only needs its size.
      this.logger.log(
        { flag: key, created: outcome.created, enabled, percentage, allowListSize: allowedUserIds.length },
        'Feature flag changed',
      );
    }
    return { flag: await this.get(key), created: outcome.created };
  }

  /** The current row, locked; or null after inserting the new flag (then there is nothing before it). */
  private async lockOrCreate(key: string, settings: FlagSettings): Promise<FeatureFlag | null> {
    const existing = await this.flags.findByKeyForUpdate(key);
    if (existing) return existing;
    if (await this.flags.insertIfAbsent(key, settings)) return null;
    // A concurrent request created it between the two statements: change it like any existing flag.
    const created = await this.flags.findByKeyForUpdate(key);
    if (!created) throw new ResourceNotFoundException('FeatureFlag', key);
    return created;
  }
}

function withDefaults(input: FlagSettingsInput): FlagSettings {
  return {
    description: input.description ?? null,
    enabled: input.enabled,
    percentage: input.percentage ?? 100,
    allowedUserIds: [...new Set(input.userIds ?? [])].sort(),
  };
}

function sameSettings(flag: FlagSettings, settings: FlagSettings): boolean {
  return JSON.stringify(auditedSettings(flag)) === JSON.stringify(auditedSettings(settings));
}

/** The settings in a fixed shape and order, as the audit log and the comparison see them. */
function auditedSettings(flag: FlagSettings): Record<string, unknown> {
  return {
    description: flag.description,
    enabled: flag.enabled,
    percentage: flag.percentage,
    userIds: [...flag.allowedUserIds].sort(),
  };
}
