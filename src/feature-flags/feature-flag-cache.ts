import { Injectable, Logger } from '@nestjs/common';

import { cacheKey, CacheService } from '../platform/cache';
import { TransactionRunner } from '../platform/database';
import { FeatureFlagsMetrics } from './feature-flags.metrics';
import { FeatureFlagsRepository } from './feature-flags.repository';
import { type CompiledFlag, compileFlag, type FlagRule } from './flag-evaluator';
import { LocalSnapshot } from './local-snapshot';

/** Every flag, by key, ready for evaluation. */
export type FlagSet = ReadonlyMap<string, CompiledFlag>;

/**
 * How long each process serves its in-memory copy of the flags. With Redis, an admin change is
 * seen by every replica within this (plus one load), see docs/decisions/0020.
 */
export const FLAG_LOCAL_TTL_MS = 1000;
/**
 * Lifetime of the shared cache entry. With Redis it only bounds how long an entry written before a
 * Redis outage can outlive a change made during it; without Redis each process has its own
 * entry, and a change made by another process is seen within this plus FLAG_LOCAL_TTL_MS.
 */
const FLAG_SHARED_TTL_MS = 5000;

const RULES_KEY = cacheKey('feature-flags', 'rules');
/** Any flag change makes the shared entry stale on every replica (tags are versions, 0005). */
export const FEATURE_FLAGS_TAG = 'feature-flags';

/**
 * The flag set, read on every request that evaluates a flag, in two levels: an in-process copy
 * refreshed at most once per FLAG_LOCAL_TTL_MS (no I/O on the hot path), over the shared cache
 * (Redis, or in-process without it), over Postgres. A change bumps the shared tag after its
 * transaction commits and drops this process's copy, so this replica sees it at once and the
 * others at their next refresh.
 */
@Injectable()
export class FeatureFlagCache {
  private readonly logger = new Logger(FeatureFlagCache.name);
  private readonly snapshot: LocalSnapshot<FlagSet>;

  constructor(
    private readonly cache: CacheService,
    private readonly transactions: TransactionRunner,
    private readonly flags: FeatureFlagsRepository,
    private readonly metrics: FeatureFlagsMetrics,
  ) {
    this.snapshot = new LocalSnapshot<FlagSet>({
      ttlMs: FLAG_LOCAL_TTL_MS,
      load: () => this.loadShared(),
      onLoadFailure: (error, previous) => this.keepAfterFailure(error, previous),
    });
  }

  current(): Promise<FlagSet> {
    return this.snapshot.get();
  }

  /** After the current transaction commits (now, outside one): every replica's flags go stale. */
  invalidateAfterCommit(): Promise<void> {
    return this.transactions.afterCommit(async () => {
      // Shared tag first: a local reload right after must not find the old shared entry still fresh.
      await this.cache.invalidateTags(FEATURE_FLAGS_TAG);
      this.snapshot.invalidate();
    });
  }

  private async loadShared(): Promise<FlagSet> {
    const rules = await this.cache.getOrSet<FlagRule[]>(RULES_KEY, () => this.flags.findAllRules(), {
      tags: [FEATURE_FLAGS_TAG],
      ttlMs: FLAG_SHARED_TTL_MS,
    });
    return new Map(rules.map((rule) => [rule.key, compileFlag(rule)]));
  }

  /**
   * Postgres is unreachable (the cache never fails a read): keep the last known flags, or none
   * (every flag off) before the first load; the next attempt is one TTL later, not every request.
   */
  private keepAfterFailure(error: unknown, previous: FlagSet | undefined): FlagSet {
    this.metrics.loadFailures.inc();
    this.logger.warn(
      { err: (error as Error)?.message, kept: previous ? previous.size : 0 },
      previous
        ? 'Feature flags could not be loaded; serving the last known flags'
        : 'Feature flags could not be loaded; every flag is off',
    );
    return previous ?? new Map();
  }
}
