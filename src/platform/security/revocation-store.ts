/** The store of revoked credentials (token ids, session ids), each kept until the credential would expire anyway. */
export interface RevocationStore {
  /** Where revocations live: `redis` (shared by replicas) or `memory` (this process only). */
  readonly backend: 'redis' | 'memory';

  /** Marks every id revoked until `expiresAt` (Unix seconds). Never throws: a failed shared write is retried. */
  revoke(ids: readonly string[], expiresAt: number): Promise<void>;

  /**
   * Whether any of the ids is revoked. Throws RevocationStoreUnavailableError when the answer is
   * unknown (Redis unreachable): the caller decides what to do instead of being told "not revoked".
   */
  isAnyRevoked(ids: readonly string[]): Promise<boolean>;
}

export const REVOCATION_STORE = Symbol('REVOCATION_STORE');

export class RevocationStoreUnavailableError extends Error {
  override readonly name = 'RevocationStoreUnavailableError';

  constructor(cause: unknown) {
    super('The revocation store could not answer', { cause });
  }
}
