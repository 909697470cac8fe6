import { setTimeout as sleep } from 'node:timers/promises';

import { CacheService } from '../src/platform/cache';
import { metricValue } from './support/metrics';
import { PrivateRedis, redisServerAvailable } from './support/private-redis';
import { waitForCache } from './support/products';
import { createTestApp, type TestApp } from './support/test-app';

/** The behaviour every backend must have; run against memory and, when available, Redis. */
function describeCacheBehaviour(backend: 'memory' | 'redis', env: () => Record<string, string>): void {
  describe(`${CacheService.name} on ${backend}`, () => {
    let app: TestApp;
    let sut: CacheService;

    beforeAll(async () => {
      app = await createTestApp({ env: { CACHE_BACKEND: backend, ...env() } });
      sut = app.app.get(CacheService);
      if (backend === 'redis') await waitForCache(app);
    });

    afterAll(async () => {
      await app.close();
    });

    it('stores loaded values, and forgets them after their TTL', async () => {
      const loads = counting({ name: 'one' });
      await sut.getOrSet('things:detail:1', loads.load, { ttlMs: 300 });

      expect(await sut.getOrSet('things:detail:1', loads.load, { ttlMs: 300 })).toEqual({ name: 'one' });
      expect(loads.count()).toBe(1);
      await sleep(450);
      await sut.getOrSet('things:detail:1', loads.load, { ttlMs: 300 });
      expect(loads.count()).toBe(2);
    });

    it('loads a missing value once for many concurrent readers', async () => {
      let loads = 0;
      const load = async () => {
        loads += 1;
        await sleep(50);
        return { value: 42 };
      };

      const results = await Promise.all(Array.from({ length: 20 }, () => sut.getOrSet('things:detail:stampede', load)));

      expect(loads).toBe(1);
      expect(results.every((result) => result.value === 42)).toBe(true);
      expect(await sut.getOrSet('things:detail:stampede', load)).toEqual({ value: 42 });
      expect(loads).toBe(1);
    });

    it('makes tagged entries stale when a tag is invalidated, and leaves others alone', async () => {
      const read = (key: string, value: string, tags: string[]) =>
        sut.getOrSet(key, async () => `${value}@${Date.now()}`, { tags });
      const a = await read('things:detail:a', 'a', ['thing:a', 'things']);
      const b = await read('things:detail:b', 'b', ['thing:b', 'things']);
      await sleep(2);

      await sut.invalidateTags('thing:a');

      expect(await read('things:detail:a', 'a', ['thing:a', 'things'])).not.toBe(a);
      expect(await read('things:detail:b', 'b', ['thing:b', 'things'])).toBe(b);
      await sut.invalidateTags('things');
      expect(await read('things:detail:b', 'b', ['thing:b', 'things'])).not.toBe(b);
    });

    it('never keeps a value loaded before a concurrent invalidation (read/write race)', async () => {
      let release!: () => void;
      const slowOldRead = sut.getOrSet(
        'things:detail:race',
        async () => {
          await new Promise<void>((resolve) => (release = resolve));
          return 'old';
        },
        { tags: ['thing:race'] },
      );
      await sleep(20);
      await sut.invalidateTags('thing:race'); // a write committed while the read was loading
      release();
      expect(await slowOldRead).toBe('old');

      expect(await sut.getOrSet('things:detail:race', async () => 'new', { tags: ['thing:race'] })).toBe('new');
    });

    it('returns copies, so a caller mutating a value cannot corrupt the cache', async () => {
      const load = async () => ({ count: 1 });
      await sut.getOrSet('things:detail:copy', load);
      const first = await sut.getOrSet('things:detail:copy', load);
      first.count = 99;

      expect(await sut.getOrSet('things:detail:copy', async () => ({ count: 2 }))).toEqual({ count: 1 });
    });

    it('counts hits and misses by key prefix', async () => {
      const hits = await metricValue(app.app, 'cache_hits_total', { backend, prefix: 'counted' });
      await sut.getOrSet('counted:x', async () => 1);
      await sut.getOrSet('counted:x', async () => 1);

      expect(await metricValue(app.app, 'cache_hits_total', { backend, prefix: 'counted' })).toBe(hits + 1);
      expect(await metricValue(app.app, 'cache_misses_total', { backend, prefix: 'counted' })).toBeGreaterThanOrEqual(
        1,
      );
    });
  });
}

describeCacheBehaviour('memory', () => ({}));

if (process.env.REDIS_URL) {
  describeCacheBehaviour('redis', () => ({ REDIS_URL: process.env.REDIS_URL ?? '' }));
} else {
  process.stdout.write('cache e2e: Redis backend cases skipped (no REDIS_URL)\n');
}

const describeOutage = redisServerAvailable() ? describe : describe.skip;

describeOutage('CacheService during a Redis outage', () => {
  let redis: PrivateRedis;
  let app: TestApp;
  let sut: CacheService;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    app = await createTestApp({ env: { REDIS_URL: redis.url, CACHE_BACKEND: 'redis' } });
    sut = app.app.get(CacheService);
    await waitForCache(app);
  });

  afterAll(async () => {
    await app.close();
    await redis.stop();
  });

  it('serves from the loader, counts errors, and resumes caching when Redis returns', async () => {
    await sut.getOrSet('outage:detail:1', async () => 'cached');
    expect(await sut.getOrSet('outage:detail:1', async () => 'not cached')).toBe('cached');

    await redis.kill();
    const errorsBefore = await metricValue(app.app, 'cache_errors_total', { backend: 'redis' });
    const started = Date.now();
    expect(await sut.getOrSet('outage:detail:1', async () => 'from-db')).toBe('from-db');
    await sut.invalidateTags('outage:1');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await metricValue(app.app, 'cache_errors_total', { backend: 'redis' })).toBeGreaterThan(errorsBefore);

    await redis.resume();
    await waitForCache(app);
    let loads = 0;
    await sut.getOrSet('outage:detail:2', async () => ++loads);
    await sut.getOrSet('outage:detail:2', async () => ++loads);
    expect(loads).toBe(1);
  }, 30_000);
});

/** A loader that counts its calls. */
function counting<T>(value: T): { load: () => Promise<T>; count: () => number } {
  let calls = 0;
  return {
    load: async () => {
      calls += 1;
      return value;
    },
    count: () => calls,
  };
}
