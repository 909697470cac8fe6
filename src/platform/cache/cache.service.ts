import { randomUUID } from 'node:crypto';

import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';

import { SerializedJson } from '../../common/http/serialized-json';
import type { AllConfig } from '../../config';
import { LogThrottle } from '../logging/log-throttle';
import { RedisCircuit } from '../redis/redis-circuit';
import { CACHE_BACKEND } from './cache.constants';
import { CacheMetrics } from './cache.metrics';
import type { CacheBackend } from './cache-backend';
import { prefixOf } from './cache-keys';

export interface CacheWriteOptions {
  /** Entry lifetime; the configured default when omitted. */
  readonly ttlMs?: number;
  /** Invalidating any of these tags makes the entry stale. */
  readonly tags?: readonly string[];
}

const TAG_TTL_MS = 7 * 24 * 3600 * 1000;
/** A tag never invalidated (or whose version key was evicted) reads as this version. */
const INITIAL_TAG_VERSION = '0';
const RETRY_INTERVAL_MS = 1000;

/**
 * The application cache: cache-aside with tags, over one backend (Redis or memory). Entries are
 * stored as JSON text with their ETag, so a value read for an HTTP response is sent as the stored
 * bytes (`getOrSetSerialized`), and one read costs one round trip (docs/decisions/0035).
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
  private readonly outageLog = new LogThrottle();

  constructor(
    @Inject(CACHE_BACKEND) private readonly backend: CacheBackend,
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
   * for the same key while it is loading share that one load. Each caller gets its own copy.
   *
   *   const product = await cache.getOrSet(cacheKey('products', 'detail', id), () => repo.findById(id), { tags: [`product:${id}`] });
   */
  async getOrSet<T>(key: string, load: () => Promise<T>, options: CacheWriteOptions = {}): Promise<T> {
    const found = await this.getOrSetSerialized(key, load, options);
    return found ? found.parse() : (found as T);
  }

  /**
   * `getOrSet` for a value that is about to be sent: its JSON and ETag as they are stored, for
   * the response interceptor to send without parsing them. A loader's null (or undefined) is
   * returned as null and not cached.
   */
  getOrSetSerialized<T>(
    key: string,
    load: () => Promise<T | null | undefined>,
    options: CacheWriteOptions = {},
  ): Promise<SerializedJson<T> | null> {
    const running = this.inflight.get(key) as Promise<SerializedJson<T> | null> | undefined;
    if (running) return running;
    const work = this.loadThrough(key, load, options).finally(() => this.inflight.delete(key));
    this.inflight.set(key, work);
    return work;
  }

  /** Makes every entry carrying any of these tags stale, on every replica sharing the store. */
  async invalidateTags(...tags: string[]): Promise<void> {
    await Promise.all(tags.map((tag) => this.bumpTag(tag).then((ok) => ok || this.pendingTags.add(tag))));
  }

  private async loadThrough<T>(
    key: string,
    load: () => Promise<T | null | undefined>,
    options: CacheWriteOptions,
  ): Promise<SerializedJson<T> | null> {
    const tags = options.tags ?? [];
    const [stored, ...tagVersions] = await this.readMany(key, [key, ...tags.map(tagKey)]);
    const versions = Object.fromEntries(tags.map((tag, i) => [tag, tagVersions[i] ?? INITIAL_TAG_VERSION]));
    const entry = stored === undefined ? undefined : decodeEntry<T>(stored);
    if (entry && isFresh(entry.versions, versions)) return this.countHit(key, entry.value);
    this.countMiss(key);
    const value = await load();
    if (value === undefined || value === null) return null;
    const serialized = SerializedJson.of(value);
    // Stored with the versions read *before* loading: if a write invalidated a tag meanwhile, the entry is born stale.
    await this.write(key, encodeEntry(serialized, versions), options.ttlMs);
    return serialized;
  }

  /** Values of `keys` in one round trip (undefined where absent, or all undefined when the store fails); `label` names them in metrics. */
  private async readMany(label: string, keys: string[]): Promise<Array<string | undefined>> {
    const empty = keys.map(() => undefined);
    if (this.bypassing()) return empty;
    return this.guarded('get', label, () => this.backend.getMany(keys), empty);
  }

  private async write(key: string, entry: string, ttlMs = this.defaultTtlMs): Promise<void> {
    if (this.bypassing()) return;
    await this.guarded('set', key, () => this.backend.set(key, entry, ttlMs), undefined);
  }

  private bumpTag(tag: string): Promise<boolean> {
    return this.guarded(
      'invalidateTag',
      tag,
      () => this.backend.set(tagKey(tag), randomUUID(), TAG_TTL_MS).then(() => true),
      false,
    );
  }

  private bypassing(): boolean {
    return this.pendingTags.size > 0;
  }

  private async retryPendingInvalidations(): Promise<void> {
    for (const tag of [...this.pendingTags]) if (await this.bumpTag(tag)) this.pendingTags.delete(tag);
  }

  /** Runs a store operation (Redis: under the deadline and breaker); failures are counted, logged (throttled) and replaced by `fallback`. */
  private async guarded<T>(operation: string, key: string, run: () => Promise<T>, fallback: T): Promise<T> {
    if (this.backend.name === 'none' && operation !== 'get') return fallback;
    const stop = this.metrics.duration.startTimer({ backend: this.backend.name, operation });
    try {
      return await (this.backend.name === 'redis' ? this.circuit.run(run) : run());
    } catch (error) {
      this.metrics.errors.inc({ backend: this.backend.name, prefix: prefixOf(key), operation });
      this.logFailure(operation, error);
      return fallback;
    } finally {
      stop();
    }
  }

  private logFailure(operation: string, error: unknown): void {
    if (!this.outageLog.due()) return;
    this.logger.warn(
      { operation, backend: this.backend.name, err: (error as Error)?.message },
      'Cache unavailable; serving from the database',
    );
  }

  private countHit<T>(key: string, value: SerializedJson<T>): SerializedJson<T> {
    this.metrics.hits.inc({ backend: this.backend.name, prefix: prefixOf(key) });
    return value;
  }

  private countMiss(key: string): undefined {
    this.metrics.misses.inc({ backend: this.backend.name, prefix: prefixOf(key) });
    return undefined;
  }
}

function tagKey(tag: string): string {
  return `tag:${tag}`;
}

/**
 * An entry as stored: the versions of its tags when its value was loaded, the ETag, then the
 * value's JSON, one per line (JSON text never contains a raw line break). Only the first line is
 * parsed on a read; the JSON stays text.
 */
function encodeEntry(value: SerializedJson, versions: Readonly<Record<string, string>>): string {
  return `${JSON.stringify(versions)}\n${value.etag}\n${value.json}`;
}

interface DecodedEntry<T> {
  readonly versions: Readonly<Record<string, string>>;
  readonly value: SerializedJson<T>;
}

/**
 * Undefined for anything not in this format (e.g. written by an older release): read as a miss.
 * The header must be an object of versions: `null` or `[]` parse as JSON too, and must not pass.
 */
function decodeEntry<T>(stored: string): DecodedEntry<T> | undefined {
  const first = stored.indexOf('\n');
  const second = first === -1 ? -1 : stored.indexOf('\n', first + 1);
  if (second === -1) return undefined;
  let versions: unknown;
  try {
    versions = JSON.parse(stored.slice(0, first));
  } catch {
    return undefined;
  }
  if (typeof versions !== 'object' || versions === null || Array.isArray(versions)) return undefined;
  return {
    versions: versions as Record<string, string>,
    value: new SerializedJson<T>(stored.slice(second + 1), stored.slice(first + 1, second)),
  };
}

/**
 * Fresh when every tag the reader asks for has the version the entry was stored with: an entry
 * that does not record one of them (planted, or stored under other tags) cannot vouch for it.
 */
function isFresh(stored: Readonly<Record<string, string>>, current: Readonly<Record<string, string>>): boolean {
  for (const tag in current) if (!Object.hasOwn(stored, tag) || stored[tag] !== current[tag]) return false;
  return true;
}
