import { Injectable } from '@nestjs/common';
import argon2 from 'argon2';

import { SecurityMetrics } from './security.metrics';

/**
 * argon2id with the OWASP-recommended minimum (19 MiB, 2 passes, 1 lane): memory-hard, tens of
 * milliseconds per hash on this class of machine. Verification is constant-time inside argon2.
 */
const HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

@Injectable()
export class PasswordHasher {
  /** A real hash of a random password, verified against when the user does not exist (same timing). */
  private readonly decoy: Promise<string> = argon2.hash(crypto.randomUUID(), HASH_OPTIONS);

  constructor(private readonly metrics: SecurityMetrics) {}

  hash(password: string): Promise<string> {
    return argon2.hash(password, HASH_OPTIONS);
  }

  /** False for a wrong password, a malformed hash, or a missing one (which still costs a full verification). */
  async verify(hash: string | null | undefined, password: string): Promise<boolean> {
    const against = hash ?? (await this.decoy);
    const stopTimer = this.metrics.passwordVerificationDuration.startTimer();
    const matches = await argon2.verify(against, password).catch(() => false);
    const result = matches && hash ? 'match' : 'mismatch';
    stopTimer({ result });
    this.metrics.passwordVerifications.inc({ result });
    return matches;
  }

  /** True when the hash was made with weaker settings than today's and should be replaced at next login. */
  needsRehash(hash: string): boolean {
    return argon2.needsRehash(hash, HASH_OPTIONS);
  }
}
