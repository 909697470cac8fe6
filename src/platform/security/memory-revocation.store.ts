import { type Revocation, type RevocationStore, RevocationStoreUnavailableError } from './revocation-store';

/** Expired entries are swept when the map grows past this, so it never holds more than a token lifetime's worth. */
const SWEEP_THRESHOLD = 1_000;

/**
 * Revocations in this process only: the store without Redis, and the local mirror of the Redis one.
 * As a store it starts empty with every process, so it answers only once seeded from the ledger.
 */
export class MemoryRevocationStore implements RevocationStore {
  readonly backend = 'memory' as const;
  private readonly revokedUntil = new Map<string, number>();
  private seeded = false;

  revoke(ids: readonly string[], expiresAt: number): Promise<void> {
    this.revokeNow(ids, expiresAt);
    return Promise.resolve();
  }

  isAnyRevoked(ids: readonly string[]): Promise<boolean> {
    if (this.isAnyRevokedNow(ids)) return Promise.resolve(true);
    if (!this.seeded) return Promise.reject(new RevocationStoreUnavailableError('unseeded'));
    return Promise.resolve(false);
  }

  seed(revocations: readonly Revocation[]): Promise<void> {
    for (const { id, expiresAt } of revocations) this.revokeNow([id], expiresAt);
    this.seeded = true;
    return Promise.resolve();
  }

  revokeNow(ids: readonly string[], expiresAt: number): void {
    if (this.revokedUntil.size >= SWEEP_THRESHOLD) this.sweep();
    const untilMs = expiresAt * 1000;
    for (const id of ids) {
      this.revokedUntil.set(id, Math.max(untilMs, this.revokedUntil.get(id) ?? 0));
    }
  }

  isAnyRevokedNow(ids: readonly string[]): boolean {
    const now = Date.now();
    return ids.some((id) => (this.revokedUntil.get(id) ?? 0) > now);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, until] of this.revokedUntil) if (until <= now) this.revokedUntil.delete(id);
  }
}
