import { Logger } from '@nestjs/common';

import { type CacheMock, compileUnit, newCacheMock } from '../../test/support/unit';
import { CacheService } from '../platform/cache';
import { MetricsRegistry } from '../platform/metrics/metrics-registry';
import { FEATURE_FLAGS_TAG, FeatureFlagCache } from './feature-flag-cache';
import { FeatureFlagsMetrics } from './feature-flags.metrics';
import { FeatureFlagsRepository } from './feature-flags.repository';
import type { FlagRule } from './flag-evaluator';

const rule = (key: string, enabled = true): FlagRule => ({ key, enabled, percentage: 100, allowedUserIds: [] });

describe(FeatureFlagCache.name, () => {
  let sut: FeatureFlagCache;
  let rules: jest.Mock<Promise<FlagRule[]>, []>;
  let cache: CacheMock;
  let metrics: FeatureFlagsMetrics;
  let warn: jest.SpyInstance;

  beforeEach(async () => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    rules = jest.fn().mockResolvedValue([rule('a.flag')]);
    cache = newCacheMock();
    const moduleRef = await compileUnit([
      FeatureFlagCache,
      FeatureFlagsMetrics,
      MetricsRegistry,
      { provide: FeatureFlagsRepository, useValue: { findAllRules: rules } },
      { provide: CacheService, useValue: cache },
    ]);
    sut = moduleRef.get(FeatureFlagCache);
    metrics = moduleRef.get(FeatureFlagsMetrics);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  const failures = async () => (await metrics.loadFailures.get()).values[0]?.value ?? 0;

  it('loads the flag set through the shared cache, tagged, with the short shared TTL', async () => {
    const flags = await sut.current();

    expect([...flags.keys()]).toEqual(['a.flag']);
    expect(cache.getOrSet).toHaveBeenCalledWith('feature-flags:rules', expect.any(Function), {
      tags: [FEATURE_FLAGS_TAG],
      ttlMs: 5000,
    });
  });

  it('serves repeated reads from memory', async () => {
    await Promise.all([sut.current(), sut.current()]);
    await sut.current();

    expect(cache.getOrSet).toHaveBeenCalledTimes(1);
  });

  it('after a change: bumps the shared tag, then reloads this process’s copy on the next read', async () => {
    await sut.current();
    rules.mockResolvedValue([rule('a.flag', false), rule('b.flag')]);

    await sut.invalidateAfterCommit();
    const flags = await sut.current();

    expect(cache.invalidateTags).toHaveBeenCalledWith(FEATURE_FLAGS_TAG);
    expect(flags.get('a.flag')?.rule.enabled).toBe(false);
    expect([...flags.keys()]).toEqual(['a.flag', 'b.flag']);
  });

  it('serves no flags (all off) when the first load fails, counting and logging it', async () => {
    rules.mockRejectedValue(new Error('connection refused'));

    const flags = await sut.current();

    expect(flags.size).toBe(0);
    expect(await failures()).toBe(1);
    expect(warn).toHaveBeenCalledWith(
      { err: 'connection refused', kept: 0 },
      'Feature flags could not be loaded; every flag is off',
    );
  });

  it('keeps the last known flags when a later load fails', async () => {
    await sut.current();
    rules.mockRejectedValue(new Error('connection refused'));

    await sut.invalidateAfterCommit();
    const flags = await sut.current();

    expect([...flags.keys()]).toEqual(['a.flag']);
    expect(await failures()).toBe(1);
    expect(warn).toHaveBeenCalledWith(
      { err: 'connection refused', kept: 1 },
      'Feature flags could not be loaded; serving the last known flags',
    );
  });
});
