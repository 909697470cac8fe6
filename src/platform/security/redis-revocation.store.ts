import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';

import { MemoryRevocationStore } from './memory-revocation.store';
import type { RevocationMetrics } from './revocation.metrics';
import type { RevocationStore } from './revocation-store';
import { RevocationStoreUnavailableError } from './revocation-store';

const RETRY_INTERVAL_MS = 1_000;
const LOG_INTERVAL_MS = 10_000;

interface PendingWrite {
  readonly ids: readonly string[];
  readonly expiresAt: number;
}

/**
 * Revocations shared by every replica: one Redis key per id, expiring with the credential.
 *
 * - Every revocation is mirrored in this process, so the replica that revoked is right at once
 *   whatever happens to Redis.
 * - A write that fails is kept and retried every second until it succeeds or the credential has
 *   expired anyway.
 * - A check that fails throws RevocationStoreUnavailableError (counted, logged): it never answers
 *   "not revoked" without having asked.
 */
export class RedisRevocationStore implements RevocationStore {
  readonly backend = 'redis' as const;
  private readonly logger = new Logger(RedisRevocationStore.name);
  private readonly local = new MemoryRevocationStore();
  private readonly pending: PendingWrite[] = [];
  private readonly retryTimer: NodeJS.Timeout;
  private lastErrorLogAt = 0;

  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly metrics: RevocationMetrics,
  ) {
    this.retryTimer = setInterval(() => void this.retryPending(), RETRY_INTERVAL_MS).unref();
  }

  stop(): void {
    clearInterval(this.retryTimer);
  }

  async revoke(ids: readonly string[], expiresAt: number): Promise<void> {
    if (ids.length === 0) return;
    this.local.revokeNow(ids, expiresAt);
    if (!(await this.write({ ids, expiresAt }))) this.pending.push({ ids, expiresAt });
  }

  async isAnyRevoked(ids: readonly string[]): Promise<boolean> {
    if (ids.length === 0) return false;
    if (this.local.isAnyRevokedNow(ids)) return true;
    try {
      return (await this.redis.exists(...ids.map((id) => this.key(id)))) > 0;
    } catch (error) {
      this.failed('check', error);
      throw new RevocationStoreUnavailableError(error);
    }
  }

  private async write(entry: PendingWrite): Promise<boolean> {
    const ttlMs = entry.expiresAt * 1000 - Date.now();
    if (ttlMs <= 0) return true;
    try {
      const pipeline = this.redis.multi();
      for (const id of entry.ids) pipeline.set(this.key(id), '1', 'PX', Math.ceil(ttlMs));
      const results = await pipeline.exec();
      const failure = results?.find(([error]) => error !== null)?.[0];
      if (failure || !results) throw failure ?? new Error('transaction aborted');
      return true;
    } catch (error) {
      this.failed('revoke', error);
      return false;
    }
  }

  private async retryPending(): Promise<void> {
    const due = this.pending.splice(0);
    for (const entry of due) {
      if (await this.write(entry)) this.metrics.pendingRetries.inc();
      else this.pending.push(entry);
    }
  }

  private key(id: string): string {
    return `${this.keyPrefix}revoked:${id}`;
  }

  private failed(operation: 'check' | 'revoke', error: unknown): void {
    this.metrics.errors.inc({ operation });
    if (Date.now() - this.lastErrorLogAt < LOG_INTERVAL_MS) return;
    this.lastErrorLogAt = Date.now();
    this.logger.warn(
      { operation, err: error instanceof Error ? error.message : String(error) },
      'Revocation store failed',
    );
  }
}
