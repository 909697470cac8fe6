import { CacheService } from '../src/platform/cache';
import { metricValue } from './support/metrics';
import { PrivateRedis, redisServerAvailable } from './support/private-redis';
import { createTestApp, type TestApp } from './support/test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The behaviour every backend must have; run against memory and, when available, Redis. */
function describeCacheBehaviour(backend: 'memory' | 'redis', env: () => Record<string, string>): void {
  describe(`${CacheService.name} on ${backend}`, () => {
    let app: TestApp;
    let sut: CacheService;

    beforeAll(async () => {
      app = await createTestApp({ env: { CACHE_BACKEND: backend, ...env() } });
      sut = app.app.get(CacheService);
      if (backend === 'redis') await waitForBackend(sut);
    });

    afterAll(async () => {
      await app.close();
    });

    it('stores and returns values, and forgets them after their TTL', async () => {
      await sut.set('things:detail:1', { name: 'one' }, { ttlMs: 300 });

      expect(await sut.get('things:detail:1')).toEqual({ name: 'one' });
      await sleep(450);
      expect(await sut.get('things:detail:1')).toBeUndefined();
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
      await sut.set('things:detail:a', 'a', { tags: ['thing:a', 'things'] });
      await sut.set('things:detail:b', 'b', { tags: ['thing:b', 'things'] });

      await sut.invalidateTags('thing:a');

      expect(await sut.get('things:detail:a')).toBeUndefined();
      expect(await sut.get('things:detail:b')).toBe('b');
      await sut.invalidateTags('things');
      expect(await sut.get('things:detail:b')).toBeUndefined();
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

    it('deletes keys matching a pattern', async () => {
      await sut.set('things:list:1', [1]);
      await sut.set('things:list:2', [2]);
      await sut.set('things:detail:keep', 'keep');

      const deleted = await sut.invalidatePattern('things:list:*');

      expect(deleted).toBe(2);
      expect(await sut.get('things:list:1')).toBeUndefined();
      expect(await sut.get('things:detail:keep')).toBe('keep');
    });

    it('returns copies, so a caller mutating a value cannot corrupt the cache', async () => {
      await sut.set('things:detail:copy', { count: 1 });
      const first = await sut.get<{ count: number }>('things:detail:copy');
      if (first) first.count = 99;

      expect(await sut.get('things:detail:copy')).toEqual({ count: 1 });
    });

    it('counts hits and misses by key prefix', async () => {
      const hits = await metricValue(app.app, 'cache_hits_total', { backend, prefix: 'counted' });
      await sut.set('counted:x', 1);
      await sut.get('counted:x');
      await sut.get('counted:absent');

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
    await waitForBackend(sut);
  });

  afterAll(async () => {
    await app.close();
    await redis.stop();
  });

  it('serves from the loader, counts errors, and resumes caching when Redis returns', async () => {
    await sut.set('outage:detail:1', 'cached');
    expect(await sut.get('outage:detail:1')).toBe('cached');

    await redis.kill();
    const errorsBefore = await metricValue(app.app, 'cache_errors_total', { backend: 'redis' });
    const started = Date.now();
    expect(await sut.getOrSet('outage:detail:1', async () => 'from-db')).toBe('from-db');
    await sut.invalidateTags('outage:1');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await metricValue(app.app, 'cache_errors_total', { backend: 'redis' })).toBeGreaterThan(errorsBefore);

    await redis.resume();
    await waitForBackend(sut);
    let loads = 0;
    await sut.getOrSet('outage:detail:2', async () => ++loads);
    await sut.getOrSet('outage:detail:2', async () => ++loads);
    expect(loads).toBe(1);
  }, 30_000);
});

/** Waits until a write/read round trip through the cache works (the Redis store connects in the background). */
async function waitForBackend(cache: CacheService): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    await cache.set('probe:ready', 'yes');
    if ((await cache.get('probe:ready')) === 'yes') return;
    await sleep(100);
  }
  throw new Error('cache backend did not become available');
}
