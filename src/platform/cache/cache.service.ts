import { randomUUID } from 'node:crypto';

import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Cache } from 'cache-manager';

import type { AllConfig } from '../../config';
import { RedisCircuit } from '../redis/redis-circuit';
import { CACHE_STORE } from './cache.constants';
import { CacheMetrics } from './cache.metrics';
import { prefixOf } from './cache-keys';
import type { CacheStore } from './cache-store.factory';

export interface CacheWriteOptions {
  /** Entry lifetime; the configured default when omitted. */
  readonly ttlMs?: number;
  /** Invalidating any of these tags makes the entry stale. */
  readonly tags?: readonly string[];
}

/** What is stored: the value and the version of each of its tags when it was loaded. */
interface Entry<T> {
  readonly v: T;
  readonly t: Readonly<Record<string, string>>;
}

const TAG_TTL_MS = 7 * 24 * 3600 * 1000;
/** A tag never invalidated (or whose version key was evicted) reads as this version. */
const INITIAL_TAG_VERSION = '0';
const RETRY_INTERVAL_MS = 1000;
const LOG_INTERVAL_MS = 10_000;

/**
 * The application cache: cache-aside with tags, over @nestjs/cache-manager (Redis or memory).
 *
 * - It never fails a request: a store error or timeout is logged, counted and treated as a miss.
 *   Redis calls run under RedisCircuit (a deadline of tens of milliseconds and a breaker).
 * - Tags are versions, not key lists: an entry remembers its tags' versions from before its value
 *   was loaded, and `invalidateTags` replaces those versions. A reader that loaded old data while a
 *   write committed therefore stores an entry that is already stale, so no read after a write
 *   returns can see the old value, on any replica.
 * - Concurrent misses for one key share one load (no stampede on the database).
 * - An invalidation that fails (store down) is retried until it succeeds; until then this
 *   instance reads around the cache.
 */
@Injectable()
export class CacheService implements OnModuleDestroy {
  private readonly logger = new Logger(CacheService.name);
  private readonly defaultTtlMs: number;
  private readonly inflight = new Map<string, Promise<unknown>>();
  private readonly pendingTags = new Set<string>();
  private readonly retryTimer: NodeJS.Timeout;
  private lastErrorLogAt = 0;

  constructor(
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
    @Inject(CACHE_STORE) private readonly store: CacheStore,
    private readonly metrics: CacheMetrics,
    private readonly circuit: RedisCircuit,
    config: ConfigService<AllConfig, true>,
  ) {
    this.defaultTtlMs = config.getOrThrow('cache', { infer: true }).defaultTtlMs;
    this.retryTimer = setInterval(() => void this.retryPendingInvalidations(), RETRY_INTERVAL_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.retryTimer);
  }

  /**
   * Cache-aside: the cached value, or `load()`'s result, stored for next time. Concurrent calls
   * for the same key while it is loading share that one load.
   *
   *   const product = await cache.getOrSet(cacheKey('products', 'detail', id), () => repo.findById(id), { tags: [`product:${id}`] });
   */
  async getOrSet<T>(key: string, load: () => Promise<T>, options: CacheWriteOptions = {}): Promise<T> {
    const running = this.inflight.get(key) as Promise<T> | undefined;
    if (running) return running;
    const work = this.loadThrough(key, load, options).finally(() => this.inflight.delete(key));
    this.inflight.set(key, work);
    return work;
  }

  /** Makes every entry carrying any of these tags stale, on every replica sharing the store. */
  async invalidateTags(...tags: string[]): Promise<void> {
    await Promise.all(tags.map((tag) => this.bumpTag(tag).then((ok) => ok || this.pendingTags.add(tag))));
  }

  private async loadThrough<T>(key: string, load: () => Promise<T>, options: CacheWriteOptions): Promise<T> {
    const tags = options.tags ?? [];
    const [entry, ...tagVersions] = await this.readEntries<T>(key, tags);
    const versions = Object.fromEntries(tags.map((tag, i) => [tag, tagVersions[i] ?? INITIAL_TAG_VERSION]));
    if (entry && this.isFresh(entry, versions)) return this.countHit(key, entry.v);
    this.countMiss(key);
    const value = await load();
    // Stored with the versions read *before* loading: if a write invalidated a tag meanwhile, the entry is born stale.
    if (value !== undefined && value !== null) await this.write(key, value, versions, options.ttlMs);
    return value;
  }

  /** One round trip for the entry and its tags' versions. */
  private async readEntries<T>(
    key: string,
    tags: readonly string[],
  ): Promise<[Entry<T> | undefined, ...Array<string | undefined>]> {
    const values = await this.readMany(key, [key, ...tags.map(tagKey)]);
    return values as [Entry<T> | undefined, ...Array<string | undefined>];
  }

  /** Values of `keys` (undefined where absent, or all undefined when the store fails); `label` names them in metrics. */
  private async readMany(label: string, keys: string[]): Promise<unknown[]> {
    const empty = keys.map(() => undefined);
    if (this.bypassing()) return empty;
    return this.guarded('get', label, () => this.mgetOrThrow(keys), empty);
  }

  /**
   * cache-manager answers a failed read with `undefined` and reports the failure as an event
   * carrying the same keys array; matching on that array tells this read's failure apart.
   */
  private async mgetOrThrow(keys: string[]): Promise<unknown[]> {
    let failure: unknown;
    const listener = (event: { keys?: unknown; error?: unknown }) => {
      if (event.keys === keys && event.error) failure = event.error;
    };
    this.cache.on('mget', listener);
    try {
      const values = await this.cache.mget(keys);
      if (failure) throw failure instanceof Error ? failure : new Error('cache read failed', { cause: failure });
      return values;
    } finally {
      this.cache.off('mget', listener);
    }
  }

  private async write<T>(
    key: string,
    value: T,
    versions: Record<string, string>,
    ttlMs = this.defaultTtlMs,
  ): Promise<void> {
    if (this.bypassing()) return;
    const entry: Entry<T> = { v: value, t: versions };
    await this.guarded('set', key, () => this.cache.set(key, entry, ttlMs), undefined);
  }

  private bumpTag(tag: string): Promise<boolean> {
    return this.guarded(
      'invalidateTag',
      tag,
      () => this.cache.set(tagKey(tag), randomUUID(), TAG_TTL_MS).then(() => true),
      false,
    );
  }

  private isFresh<T>(entry: Entry<T>, current: Record<string, string>): boolean {
    return Object.entries(entry.t).every(([tag, version]) => (current[tag] ?? INITIAL_TAG_VERSION) === version);
  }

  private bypassing(): boolean {
    return this.pendingTags.size > 0;
  }

  private async retryPendingInvalidations(): Promise<void> {
    for (const tag of [...this.pendingTags]) if (await this.bumpTag(tag)) this.pendingTags.delete(tag);
  }

  /** Runs a store operation (Redis: under the deadline and breaker); failures are counted, logged (throttled) and replaced by `fallback`. */
  private async guarded<T>(operation: string, key: string, run: () => Promise<T>, fallback: T): Promise<T> {
    if (this.store.backend === 'none' && operation !== 'get') return fallback;
    const stop = this.metrics.duration.startTimer({ backend: this.store.backend, operation });
    try {
      return await (this.store.backend === 'redis' ? this.circuit.run(run) : run());
    } catch (error) {
      this.metrics.errors.inc({ backend: this.store.backend, prefix: prefixOf(key), operation });
      this.logFailure(operation, error);
      return fallback;
    } finally {
      stop();
    }
  }

  private logFailure(operation: string, error: unknown): void {
    if (Date.now() - this.lastErrorLogAt < LOG_INTERVAL_MS) return;
    this.lastErrorLogAt = Date.now();
    this.logger.warn(
      { operation, backend: this.store.backend, err: (error as Error)?.message },
      'Cache unavailable; serving from the database',
    );
  }

  private countHit<T>(key: string, value: T): T {
    this.metrics.hits.inc({ backend: this.store.backend, prefix: prefixOf(key) });
    return value;
  }

  private countMiss(key: string): undefined {
    this.metrics.misses.inc({ backend: this.store.backend, prefix: prefixOf(key) });
    return undefined;
  }
}

function tagKey(tag: string): string {
  return `tag:${tag}`;
}
