import { Logger } from '@nestjs/common';
import type { ChainableCommander, Redis } from 'ioredis';

import { LogThrottle } from '../logging/log-throttle';
import type { RedisCircuit } from '../redis/redis-circuit';
import { MemoryRevocationStore } from './memory-revocation.store';
import type { RevocationMetrics } from './revocation.metrics';
import type { Revocation, RevocationStore } from './revocation-store';
import { RevocationStoreUnavailableError } from './revocation-store';

const RETRY_INTERVAL_MS = 1_000;

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
 * - A check that fails or misses its deadline (RedisCircuit) throws RevocationStoreUnavailableError
 *   (counted, logged): it never answers "not revoked" without having asked; the caller asks Postgres.
 * - Redis keeps nothing on disk: a restart empties it, and with it every revocation. A marker key
 *   is written (in one transaction with the revocations) only by `seed`, from the durable ledger;
 *   a check that finds no marker cannot prove a token live and throws too (gap `unseeded`).
 */
export class RedisRevocationStore implements RevocationStore {
  readonly backend = 'redis' as const;
  private readonly logger = new Logger(RedisRevocationStore.name);
  private readonly local = new MemoryRevocationStore();
  private readonly pending: PendingWrite[] = [];
  private readonly retryTimer: NodeJS.Timeout;
  private readonly outageLog = new LogThrottle();

  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly metrics: RevocationMetrics,
    private readonly circuit: RedisCircuit,
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
    let seeded: number;
    let revoked: number;
    try {
      [seeded, revoked] = await this.circuit.run(() =>
        this.existsBoth(
          this.seededMarker(),
          ids.map((id) => this.key(id)),
        ),
      );
    } catch (error) {
      this.failed('check', error);
      throw new RevocationStoreUnavailableError('unreachable', error);
    }
    if (revoked > 0) return true;
    if (seeded === 0) throw new RevocationStoreUnavailableError('unseeded');
    return false;
  }

  async seed(revocations: readonly Revocation[]): Promise<void> {
    const transaction = this.redis.multi();
    const now = Date.now();
    for (const { id, expiresAt } of revocations) {
      const ttlMs = expiresAt * 1000 - now;
      if (ttlMs > 0) transaction.set(this.key(id), '1', 'PX', Math.ceil(ttlMs));
    }
    transaction.set(this.seededMarker(), new Date(now).toISOString());
    try {
      await execOrThrow(transaction);
    } catch (error) {
      this.failed('seed', error);
      throw new RevocationStoreUnavailableError('unreachable', error);
    }
  }

  /** One round trip: whether the marker exists, and how many of `keys` do. */
  private async existsBoth(marker: string, keys: readonly string[]): Promise<[number, number]> {
    const results = await this.redis
      .pipeline()
      .exists(marker)
      .exists(...keys)
      .exec();
    const [markerResult, keysResult] = results ?? [];
    const failure = markerResult?.[0] ?? keysResult?.[0];
    if (failure || !markerResult || !keysResult) throw failure ?? new Error('pipeline aborted');
    return [Number(markerResult[1]), Number(keysResult[1])];
  }

  private async write(entry: PendingWrite): Promise<boolean> {
    const ttlMs = entry.expiresAt * 1000 - Date.now();
    if (ttlMs <= 0) return true;
    try {
      const transaction = this.redis.multi();
      for (const id of entry.ids) transaction.set(this.key(id), '1', 'PX', Math.ceil(ttlMs));
      await this.circuit.run(() => execOrThrow(transaction));
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

  /** Present only while Redis holds every revocation still in force (written by `seed`). */
  private seededMarker(): string {
    return `${this.keyPrefix}revocations:seeded`;
  }

  private failed(operation: 'check' | 'revoke' | 'seed', error: unknown): void {
    this.metrics.errors.inc({ operation });
    if (!this.outageLog.due()) return;
    this.logger.warn(
      { operation, err: error instanceof Error ? error.message : String(error) },
      'Revocation store failed',
    );
  }
}

async function execOrThrow(transaction: ChainableCommander): Promise<void> {
  const results = await transaction.exec();
  const failure = results?.find(([error]) => error !== null)?.[0];
  if (failure || !results) throw failure ?? new Error('transaction aborted');
}
