import { randomUUID } from 'node:crypto';

import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';

import { AuditService } from '../audit/audit.service';
import { AuditAction, AuditResource } from '../audit/audit-actions';
import { AuthenticationException } from '../common/errors';
import { TransactionRunner } from '../platform/database';
import { EventBus } from '../platform/events';
import {
  REVOCATION_STORE,
  type RevocationStore,
  RevocationStoreUnavailableError,
  TokenCreated,
  TokenRevoked,
} from '../platform/security';
import type { AuthenticatedUser } from '../users/users.service';
import { UsersService } from '../users/users.service';
import { AuthMetrics } from './auth.metrics';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { type AccessTokenClaims, type RefreshTokenClaims, TokenService } from './token.service';

/** An access token and a refresh token of one session. */
export interface TokenPair {
  readonly accessToken: string;
  readonly refreshToken: string;
  /** Access-token lifetime in seconds. */
  readonly expiresIn: number;
  readonly refreshExpiresIn: number;
  readonly sessionId: string;
  readonly userId: string;
}

type RotationOutcome =
  | { readonly kind: 'rotated'; readonly pair: TokenPair }
  | { readonly kind: 'reused'; readonly reason: 'refresh_token_reused'; readonly familyId: string }
  | { readonly kind: 'rejected'; readonly reason: string; readonly familyId?: string };

/**
 * Sessions: a sign-in is a family of refresh tokens, rotated at every refresh, each exchange
 * issuing a new access token. The refresh ledger (Postgres) is the durable truth; the revocation
 * store (Redis, shared by replicas) makes revoked access tokens fail at once without a database
 * read per request.
 */
@Injectable()
export class SessionService implements OnApplicationBootstrap {
  private readonly logger = new Logger(SessionService.name);
  /** The reseed of the revocation store in progress, shared by every check that finds it unseeded. */
  private reseeding: Promise<void> | null = null;

  constructor(
    private readonly tokens: TokenService,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly users: UsersService,
    private readonly audit: AuditService,
    private readonly transactions: TransactionRunner,
    private readonly metrics: AuthMetrics,
    @Inject(REVOCATION_STORE) private readonly revocations: RevocationStore,
    private readonly events: EventBus,
  ) {}

  /**
   * Starts seeding the revocation store at start-up, outside any request, so the first requests
   * find it ready or join the seed in flight; an emptied store is reseeded later by the first
   * check that notices. Not awaited: start-up does not wait on Redis (the seed logs its own
   * failure, and checks keep reading the ledger until it succeeds).
   */
  onApplicationBootstrap(): void {
    void this.reseed();
  }

  /** Opens a session for a user who just proved who they are; joins the caller's transaction. */
  async start(user: AuthenticatedUser): Promise<TokenPair> {
    const sessionEndsAt = Math.floor(Date.now() / 1000) + this.tokens.sessionMaxSeconds;
    const pair = await this.issuePair(user, randomUUID(), new Date(sessionEndsAt * 1000));
    this.events.signal(TokenCreated, { userId: user.id, sessionId: pair.sessionId, reason: 'login' });
    return pair;
  }

  /**
   * Exchanges a refresh token for a new pair (rotation). A token already exchanged is proof that
   * it leaked: its whole family is revoked (durably, then in the shared store) and the answer is
   * 401, for the thief and the legitimate client alike, who signs in again.
   */
  async rotate(refreshToken: string): Promise<TokenPair> {
    const claims = this.tokens.verifyRefreshToken(refreshToken);
    const outcome = await this.transactions.run(() => this.rotateInTransaction(claims));
    this.metrics.refreshes.inc({ result: outcome.kind });
    if (outcome.kind === 'rotated') {
      const { userId, sessionId } = outcome.pair;
      this.events.signal(TokenCreated, { userId, sessionId, reason: 'rotation' });
      return outcome.pair;
    }
    if (outcome.familyId) {
      await this.forgetSessionAccess(outcome.familyId);
      this.events.signal(TokenRevoked, { userId: claims.sub, sessionId: outcome.familyId, reason: outcome.reason });
    }
    if (outcome.kind === 'reused')
      this.logger.warn({ sessionId: outcome.familyId }, 'Refresh token reused; session revoked');
    throw new AuthenticationException(outcome.reason);
  }

  /**
   * Ends a session: its refresh tokens are revoked, and every access token of it (the one in use
   * included) fails from now on, on every replica.
   */
  async end(sessionId: string, userId: string): Promise<void> {
    const owned = await this.transactions.run(async () => {
      const token = await this.refreshTokens.findAnyOfFamily(sessionId);
      if (!token || token.userId !== userId) return false;
      await this.refreshTokens.revokeFamily(sessionId);
      return true;
    });
    await this.forgetSessionAccess(sessionId);
    this.events.signal(TokenRevoked, { userId: owned ? userId : null, sessionId, reason: 'logout' });
  }

  /** Makes one access token fail until it expires (logout of a token whose session is unknown). */
  async revokeAccessToken(jti: string, expiresAt: number): Promise<void> {
    await this.revocations.revoke([accessKey(jti)], expiresAt);
  }

  /** The session a refresh token belongs to, if the token is valid (signature, type, expiry). */
  sessionOfRefreshToken(refreshToken: string): { sessionId: string; userId: string } | null {
    try {
      const claims = this.tokens.verifyRefreshToken(refreshToken);
      return { sessionId: claims.fam, userId: claims.sub };
    } catch {
      return null;
    }
  }

  /**
   * Whether an access token was revoked (itself or its session). When the shared store cannot
   * prove the token live (unreachable, or emptied and not reseeded yet), the durable ledger
   * answers (fail to Postgres, never open): counted and logged. An emptied store is reseeded from
   * the ledger before answering, so the next checks are fast again.
   */
  async isRevoked(claims: AccessTokenClaims): Promise<boolean> {
    try {
      return await this.revocations.isAnyRevoked([accessKey(claims.jti), sessionKey(claims.fam)]);
    } catch (error) {
      if (!(error instanceof RevocationStoreUnavailableError)) throw error;
      const revoked = await this.refreshTokens.isFamilyRevoked(claims.fam);
      this.metrics.revocationFallbacks.inc({ outcome: revoked ? 'revoked' : 'valid' });
      if (error.gap === 'unseeded') await this.reseed();
      return revoked;
    }
  }

  private async rotateInTransaction(claims: RefreshTokenClaims): Promise<RotationOutcome> {
    const newJti = randomUUID();
    const consumed = await this.refreshTokens.consume(claims.jti, newJti);
    if (!consumed) return this.explainUnusable(claims);
    if (consumed.familyId !== claims.fam || consumed.userId !== claims.sub) {
      return this.revokeAndReject(consumed.familyId, 'token_mismatch');
    }
    const user = await this.users.findActiveById(consumed.userId);
    if (!user || user.tokenVersion !== claims.ver) return this.revokeAndReject(consumed.familyId, 'stale_session');
    // The successor inherits the session's end: rotation never extends a sign-in (JWT_SESSION_MAX_SECONDS).
    return { kind: 'rotated', pair: await this.issuePair(user, consumed.familyId, consumed.sessionExpiresAt, newJti) };
  }

  /** Why a presented token could not be consumed; reuse of a consumed one revokes its family. */
  private async explainUnusable(claims: RefreshTokenClaims): Promise<RotationOutcome> {
    const row = await this.refreshTokens.findByJti(claims.jti);
    if (!row) return { kind: 'rejected', reason: 'unknown_refresh_token' };
    if (row.revokedAt) return { kind: 'rejected', reason: 'refresh_token_revoked' };
    if (!row.consumedAt) return { kind: 'rejected', reason: 'refresh_token_expired' };
    await this.refreshTokens.revokeFamily(row.familyId);
    await this.audit.record({
      action: AuditAction.RefreshTokenReused,
      resourceType: AuditResource.Session,
      resourceId: row.familyId,
      actorId: null,
      details: { userId: row.userId },
    });
    return { kind: 'reused', reason: 'refresh_token_reused', familyId: row.familyId };
  }

  private async revokeAndReject(familyId: string, reason: string): Promise<RotationOutcome> {
    await this.refreshTokens.revokeFamily(familyId);
    return { kind: 'rejected', reason, familyId };
  }

  private async issuePair(
    user: AuthenticatedUser,
    sessionId: string,
    sessionExpiresAt: Date,
    refreshJti?: string,
  ): Promise<TokenPair> {
    const subject = { userId: user.id, role: user.role, tokenVersion: user.tokenVersion, sessionId };
    const sessionEndsAt = Math.floor(sessionExpiresAt.getTime() / 1000);
    const refresh = this.tokens.issueRefreshToken(subject, sessionEndsAt, refreshJti);
    const access = this.tokens.issueAccessToken(subject, sessionEndsAt);
    await this.refreshTokens.insert({
      jti: refresh.jti,
      familyId: sessionId,
      userId: user.id,
      expiresAt: new Date(refresh.expiresAt * 1000),
      sessionExpiresAt,
    });
    return {
      accessToken: access.token,
      refreshToken: refresh.token,
      expiresIn: access.expiresIn,
      refreshExpiresIn: refresh.expiresIn,
      sessionId,
      userId: user.id,
    };
  }

  private async reseed(): Promise<void> {
    this.reseeding ??= this.seedFromLedger().finally(() => {
      this.reseeding = null;
    });
    await this.reseeding;
  }

  /**
   * Writes back every session revoked recently enough that one of its access tokens may still be
   * unexpired. A failure is logged: the next check finds the store unseeded and tries again.
   */
  private async seedFromLedger(): Promise<void> {
    const ttl = this.tokens.accessTokenTtlSeconds;
    try {
      const families = await this.refreshTokens.familiesRevokedSince(new Date(Date.now() - ttl * 1000));
      await this.revocations.seed(
        families.map(({ familyId, revokedAt }) => ({
          id: sessionKey(familyId),
          expiresAt: Math.ceil(revokedAt.getTime() / 1000) + ttl,
        })),
      );
      this.logger.debug({ sessions: families.length }, 'Revocation store seeded from the refresh-token ledger');
    } catch (error) {
      this.logger.warn(
        { err: error instanceof Error ? error.message : String(error) },
        'Could not seed the revocation store; checks keep reading the ledger',
      );
    }
  }

  /** Every access token of the session fails from now until the last one could have expired. */
  private async forgetSessionAccess(sessionId: string): Promise<void> {
    const lastPossibleExpiry = Math.floor(Date.now() / 1000) + this.tokens.accessTokenTtlSeconds;
    await this.revocations.revoke([sessionKey(sessionId)], lastPossibleExpiry);
  }
}

function accessKey(jti: string): string {
  return `access:${jti}`;
}

function sessionKey(sessionId: string): string {
  return `session:${sessionId}`;
}
