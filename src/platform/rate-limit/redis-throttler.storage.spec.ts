import type { ConfigService } from '@nestjs/config';

import type { AllConfig } from '../../config';
import { MetricsRegistry } from '../metrics/metrics-registry';
import { RedisCircuit } from '../redis/redis-circuit';
import { RateLimitMetrics } from './rate-limit.metrics';
import { RedisThrottlerStorage } from './redis-throttler.storage';

/**
 * In-process counters: the shutdown hook's bookkeeping does not depend on the backend, and the
 * Redis path (atomic script, outages, two replicas) is covered over HTTP in
 * test/rate-limit.e2e-spec.ts and test/process/replicas.e2e-spec.ts.
 */
const config = {
  getOrThrow: (key: string) =>
    key === 'redis'
      ? {
          url: undefined,
          keyPrefix: 'test:',
          commandTimeoutMs: 500,
          requestTimeoutMs: 50,
          breakerThreshold: 5,
          breakerHalfOpenMs: 1000,
        }
      : { failClosed: false },
} as unknown as ConfigService<AllConfig, true>;

describe(RedisThrottlerStorage.name, () => {
  it('closes once when Nest calls its shutdown hook twice (it is registered under two tokens)', async () => {
    const sut = new RedisThrottlerStorage(
      new RateLimitMetrics(new MetricsRegistry()),
      new RedisCircuit(config),
      config,
    );
    await sut.increment('spec', 1000, 10, 1000, 'default');

    const first = sut.onApplicationShutdown();
    const second = sut.onApplicationShutdown();

    expect(second).toBe(first);
    await expect(first).resolves.toBeUndefined();
    await expect(sut.onApplicationShutdown()).resolves.toBeUndefined();
  });

  it('counts one request against several windows, each on its own', async () => {
    const sut = new RedisThrottlerStorage(
      new RateLimitMetrics(new MetricsRegistry()),
      new RedisCircuit(config),
      config,
    );
    const key = `windows-${Date.now()}`;
    const windows = [
      { name: 'address', key: `${key}:long`, ttlMs: 60_000, limit: 3, blockMs: 60_000 },
      { name: 'burst', key: `${key}:short`, ttlMs: 60_000, limit: 1, blockMs: 60_000 },
    ];
    try {
      const first = await sut.consume(windows);
      const second = await sut.consume(windows);

      expect(first.map((record) => record.isBlocked)).toEqual([false, false]);
      expect(second.map((record) => [record.totalHits, record.isBlocked])).toEqual([
        [2, false],
        [2, true],
      ]);
    } finally {
      await sut.onApplicationShutdown();
    }
  });

  it('counts hits within a window', async () => {
    const sut = new RedisThrottlerStorage(
      new RateLimitMetrics(new MetricsRegistry()),
      new RedisCircuit(config),
      config,
    );
    const key = `count-${Date.now()}`;
    try {
      await sut.increment(key, 1000, 10, 1000, 'default');
      const record = await sut.increment(key, 1000, 10, 1000, 'default');

      expect(record).toMatchObject({ totalHits: 2, isBlocked: false });
    } finally {
      await sut.onApplicationShutdown();
    }
  });
});
