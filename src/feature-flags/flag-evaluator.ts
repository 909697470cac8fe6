import { createHash } from 'node:crypto';

/** What evaluating a flag needs: plain JSON, so a whole set of rules can be cached and shared. */
export interface FlagRule {
  readonly key: string;
  readonly enabled: boolean;
  /** 0..100: the share of users who get the feature. */
  readonly percentage: number;
  readonly allowedUserIds: readonly string[];
}

/** A rule ready for the hot path: the allow list as a set of lower-cased ids. */
export interface CompiledFlag {
  readonly rule: FlagRule;
  readonly allowed: ReadonlySet<string>;
}

/** Every user falls into one of these buckets per flag; a percentage p turns on buckets 0..p-1. */
const ROLLOUT_BUCKETS = 100;

export function compileFlag(rule: FlagRule): CompiledFlag {
  return { rule, allowed: new Set(rule.allowedUserIds.map((id) => id.toLowerCase())) };
}

/**
 * Whether `userId` (undefined: an anonymous caller) gets the feature. In order:
 *
 * 1. an unknown or disabled flag is off for everyone (the kill switch beats the allow list);
 * 2. an allow-listed user always gets it;
 * 3. 100% is everyone, anonymous callers included; anonymous callers get nothing less than 100%;
 * 4. otherwise the user's bucket for this flag decides.
 *
 *   evaluateFlag(compileFlag({ key: 'products.search-descriptions', enabled: true, percentage: 25, allowedUserIds: [] }), userId)
 */
export function evaluateFlag(flag: CompiledFlag | undefined, userId?: string): boolean {
  if (!flag?.rule.enabled) return false;
  const user = userId?.toLowerCase();
  if (user !== undefined && flag.allowed.has(user)) return true;
  if (flag.rule.percentage >= ROLLOUT_BUCKETS) return true;
  if (user === undefined) return false;
  return rolloutBucket(flag.rule.key, user) < flag.rule.percentage;
}

/**
 * The user's bucket (0..99) for one flag: the first 32 bits of SHA-256(flag key, user id), modulo
 * 100. The same user always lands in the same bucket of a flag (stable across requests, replicas
 * and restarts), raising the percentage only adds users (bucket < p stays true for a larger p), and
 * because the key is hashed in, the users of a 10% flag are not the users of another 10% flag.
 * The modulo bias (2^32 mod 100 = 96) is below one in 40 million.
 */
export function rolloutBucket(flagKey: string, userId: string): number {
  const digest = createHash('sha256').update(flagKey).update('\u0000').update(userId.toLowerCase()).digest();
  return digest.readUInt32BE(0) % ROLLOUT_BUCKETS;
}
