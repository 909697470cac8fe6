import { setTimeout as sleep } from 'node:timers/promises';

import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Request } from 'express';
import type { Redis } from 'ioredis';

import { DependencyUnavailableException, RateLimitExceededException } from '../../common/errors';
import type { AllConfig, RateLimitConfig } from '../../config';
import { LogThrottle } from '../logging/log-throttle';
import { REDIS_CLIENT } from '../redis/redis.constants';
import { RedisCircuit } from '../redis/redis-circuit';
import { clientAddressOf } from './client-address';
import { RateLimitMetrics } from './rate-limit.metrics';

/** What a login does after checking its password: a success clears the account's failures. */
export interface CredentialAttempt {
  succeeded(): Promise<void>;
}

/**
 * Judges and counts one attempt atomically; it is counted as a failure until it succeeds.
 * KEYS: failures of this account from this address, failures of this account from anywhere.
 * ARGV: window ms, per-address limit, account ceiling.
 * Returns allowed (0/1), the account's failures before this attempt, ms until a refusal ends.
 */
const BEGIN_SCRIPT = `
local pair = tonumber(redis.call('GET', KEYS[1]) or '0')
local account = tonumber(redis.call('GET', KEYS[2]) or '0')
local windowMs, pairLimit, ceiling = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
if pair >= pairLimit then
  return { 0, account, math.max(redis.call('PTTL', KEYS[1]), 1) }
end
if account >= ceiling and pair > 0 then
  return { 0, account, math.max(math.min(redis.call('PTTL', KEYS[1]), redis.call('PTTL', KEYS[2])), 1) }
end
for _, key in ipairs(KEYS) do
  if redis.call('INCR', key) == 1 then redis.call('PEXPIRE', key, windowMs) end
end
return { 1, account, 0 }
`;

type RedisWithAttempts = Redis & {
  credentialAttemptBegin(
    pairKey: string,
    accountKey: string,
    windowMs: number,
    pairLimit: number,
    ceiling: number,
  ): Promise<number[]>;
};

interface Verdict {
  readonly allowed: boolean;
  readonly accountFailures: number;
  readonly retryAfterMs: number;
}

/** Every failure past half the ceiling adds this much to each attempt on the account... */
const DELAY_STEP_MS = 50;
/** ...up to this: slow enough to make a distributed guess crawl, short enough for the owner to wait. */
const MAX_DELAY_MS = 2000;
const SWEEP_INTERVAL_MS = 60_000;

/**
 * Failed logins per account (docs/decisions/0028), keyed on what a caller cannot choose: the
 * account named in the attempt and the client address.
 *
 * - Failures of one account from one address: past RATE_LIMIT_ACCOUNT_LIMIT that address is
 *   refused for that account until the window ends.
 * - Failures of one account from everywhere: past half of RATE_LIMIT_ACCOUNT_CEILING each attempt
 *   on the account waits a little longer (up to 2 s); past the ceiling, addresses that have failed
 *   on it are refused, while an address that has not failed still gets its attempt.
 * - A success clears both, so knowing someone's email never locks them out.
 *
 * Counters live in Redis (shared by replicas) behind RedisCircuit, in process without it or when
 * it fails (or 503 with RATE_LIMIT_FAIL_CLOSED=true), like the other limits.
 */
@Injectable()
export class CredentialAttempts implements OnApplicationShutdown {
  private readonly logger = new Logger(CredentialAttempts.name);
  private readonly config: RateLimitConfig;
  private readonly keyPrefix: string;
  private readonly local = new Map<string, { count: number; expiresAt: number }>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly outageLog = new LogThrottle();

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis | null,
    private readonly circuit: RedisCircuit,
    private readonly metrics: RateLimitMetrics,
    config: ConfigService<AllConfig, true>,
  ) {
    this.config = config.getOrThrow('rateLimit', { infer: true });
    this.keyPrefix = `${config.getOrThrow('redis', { infer: true }).keyPrefix}rl:cred:`;
    this.redis?.defineCommand('credentialAttemptBegin', { numberOfKeys: 2, lua: BEGIN_SCRIPT });
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }

  /**
   * Refuses (429) or delays an attempt on `account` (an opaque id, e.g. a hash of the email) from
   * the request's client address, and counts it as a failure until it reports success.
   */
  async begin(account: string, request: Pick<Request, 'ip'>): Promise<CredentialAttempt> {
    const keys = [`${this.keyPrefix}${account}:${clientAddressOf(request)}`, `${this.keyPrefix}${account}`] as const;
    if (!this.config.enabled) return { succeeded: () => Promise.resolve() };
    const verdict = await this.judge(keys);
    this.metrics.checks.inc({ throttler: 'account', result: verdict.allowed ? 'allowed' : 'limited' });
    if (!verdict.allowed) {
      this.metrics.exceeded.inc({ throttler: 'account', route: 'login' });
      throw new RateLimitExceededException(Math.ceil(verdict.retryAfterMs / 1000));
    }
    const delayMs = this.delayFor(verdict.accountFailures);
    if (delayMs > 0) await sleep(delayMs);
    return { succeeded: () => this.clear(keys) };
  }

  private delayFor(accountFailures: number): number {
    const over = accountFailures - Math.floor(this.config.accountCeiling / 2);
    return over < 0 ? 0 : Math.min(MAX_DELAY_MS, (over + 1) * DELAY_STEP_MS);
  }

  private async judge(keys: readonly [string, string]): Promise<Verdict> {
    const redis = this.redis as RedisWithAttempts | null;
    if (!redis) return this.judgeLocally(keys);
    try {
      const { accountTtlMs, accountLimit, accountCeiling } = this.config;
      const [allowed, accountFailures, retryAfterMs] = await this.circuit.run(() =>
        redis.credentialAttemptBegin(keys[0], keys[1], accountTtlMs, accountLimit, accountCeiling),
      );
      return { allowed: allowed === 1, accountFailures, retryAfterMs };
    } catch (error) {
      this.failed(error);
      if (this.config.failClosed)
        throw new DependencyUnavailableException('rate-limiter', { cause: error, retryAfterSeconds: 1 });
      return this.judgeLocally(keys);
    }
  }

  private async clear(keys: readonly [string, string]): Promise<void> {
    for (const key of keys) this.local.delete(key);
    const redis = this.redis;
    if (!redis) return;
    try {
      await this.circuit.run(() => redis.del(...keys));
    } catch (error) {
      // A success that could not clear the shared counters leaves them to expire: the owner is in.
      this.failed(error);
    }
  }

  /** The same rules over this process's counters. */
  private judgeLocally([pairKey, accountKey]: readonly [string, string]): Verdict {
    const now = Date.now();
    const pair = this.current(pairKey, now);
    const account = this.current(accountKey, now);
    const ttlLeft = (key: string) => Math.max((this.local.get(key)?.expiresAt ?? now) - now, 1);
    if (pair >= this.config.accountLimit)
      return { allowed: false, accountFailures: account, retryAfterMs: ttlLeft(pairKey) };
    if (account >= this.config.accountCeiling && pair > 0)
      return {
        allowed: false,
        accountFailures: account,
        retryAfterMs: Math.min(ttlLeft(pairKey), ttlLeft(accountKey)),
      };
    for (const key of [pairKey, accountKey]) {
      const entry = this.local.get(key);
      if (entry && entry.expiresAt > now) entry.count += 1;
      else this.local.set(key, { count: 1, expiresAt: now + this.config.accountTtlMs });
    }
    return { allowed: true, accountFailures: account, retryAfterMs: 0 };
  }

  private current(key: string, now: number): number {
    const entry = this.local.get(key);
    return entry && entry.expiresAt > now ? entry.count : 0;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.local) if (entry.expiresAt <= now) this.local.delete(key);
  }

  private failed(error: unknown): void {
    this.metrics.storageErrors.inc({ mode: this.config.failClosed ? 'fail_closed' : 'fail_open' });
    if (this.outageLog.due())
      this.logger.warn({ err: (error as Error).message }, 'Credential-attempt store unavailable');
  }
}
