export interface LocalSnapshotOptions<T> {
  /** How long a loaded value is served before the next read loads it again. */
  readonly ttlMs: number;
  readonly load: () => Promise<T>;
  /**
   * Called when a load fails, with the value held so far (undefined before the first success);
   * returns what to serve instead until the next attempt, one TTL later.
   */
  readonly onLoadFailure: (error: unknown, previous: T | undefined) => T;
  /** Clock in milliseconds; a parameter so specs can move time. */
  readonly now?: () => number;
}

/**
 * One value kept in process memory for a short TTL: the hot path reads it without any I/O, and
 * at most one load per TTL leaves the process (concurrent readers of an expired value share it).
 *
 * `invalidate()` makes the next read load again. A load that was already running when it was
 * called may have read the old state, so its result is handed to the callers that were waiting
 * for it but never kept, and the next load starts only once it has ended (otherwise it could join
 * it in a lower layer's single flight, such as CacheService.getOrSet, and get its old result).
 */
export class LocalSnapshot<T> {
  private value?: T;
  private expiresAt = 0;
  private generation = 0;
  private loading?: Promise<T>;
  /** A load overtaken by invalidate() that may still be running. */
  private superseded?: Promise<unknown>;
  private readonly now: () => number;

  constructor(private readonly options: LocalSnapshotOptions<T>) {
    this.now = options.now ?? Date.now;
  }

  /** The value, loaded again when it is older than the TTL or was invalidated. */
  get(): Promise<T> {
    if (this.value !== undefined && this.now() < this.expiresAt) return Promise.resolve(this.value);
    this.loading ??= this.refresh();
    return this.loading;
  }

  invalidate(): void {
    this.generation += 1;
    this.expiresAt = 0;
    this.superseded = this.loading ?? this.superseded;
    this.loading = undefined;
  }

  private async refresh(): Promise<T> {
    const generation = this.generation;
    try {
      const next = await this.loadOrFallback();
      if (generation === this.generation) {
        this.value = next;
        this.expiresAt = this.now() + this.options.ttlMs;
      }
      return next;
    } finally {
      if (generation === this.generation) this.loading = undefined;
    }
  }

  private async loadOrFallback(): Promise<T> {
    const superseded = this.superseded;
    if (superseded) {
      await superseded.catch(() => undefined);
      if (this.superseded === superseded) this.superseded = undefined;
    }
    try {
      return await this.options.load();
    } catch (error) {
      return this.options.onLoadFailure(error, this.value);
    }
  }
}
