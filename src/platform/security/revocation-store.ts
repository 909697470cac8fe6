/** One revoked credential id and when it would have expired anyway (Unix seconds). */
export interface Revocation {
  readonly id: string;
  readonly expiresAt: number;
}

/**
 * The store of revoked credentials (token ids, session ids), each kept until the credential would
 * expire anyway. It is a fast copy of the durable record (the refresh-token ledger), and it may
 * lose its data (Redis keeps nothing on disk; a process restarts empty): until it has been seeded
 * from the durable record, it refuses to answer rather than answer "not revoked".
 */
export interface RevocationStore {
  /** Where revocations live: `redis` (shared by replicas) or `memory` (this process only). */
  readonly backend: 'redis' | 'memory';

  /** Marks every id revoked until `expiresAt` (Unix seconds). Never throws: a failed shared write is retried. */
  revoke(ids: readonly string[], expiresAt: number): Promise<void>;

  /**
   * Whether any of the ids is revoked. Throws RevocationStoreUnavailableError when the answer is
   * unknown: the store is unreachable, or it holds no proof of being seeded since it was last
   * emptied. The caller decides what to do instead of being told "not revoked".
   */
  isAnyRevoked(ids: readonly string[]): Promise<boolean>;

  /**
   * Writes the revocations still in force from the durable record, and then (atomically with
   * them) the proof that the store is complete again. Throws when the store is unreachable.
   */
  seed(revocations: readonly Revocation[]): Promise<void>;
}

export const REVOCATION_STORE = Symbol('REVOCATION_STORE');

/** Why the store could not answer: it is out of reach, or it lost what it held and is not seeded yet. */
export type RevocationStoreGap = 'unreachable' | 'unseeded';

export class RevocationStoreUnavailableError extends Error {
  override readonly name = 'RevocationStoreUnavailableError';

  constructor(
    readonly gap: RevocationStoreGap,
    cause?: unknown,
  ) {
    super(
      gap === 'unseeded'
        ? 'The revocation store lost its data and is not seeded yet'
        : 'The revocation store could not answer',
      { cause },
    );
  }
}
