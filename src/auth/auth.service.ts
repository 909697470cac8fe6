import { Injectable, Logger } from '@nestjs/common';

import { AuditService } from '../audit/audit.service';
import { AuditAction, AuditResource } from '../audit/audit-actions';
import type { Principal } from '../common/access/principal';
import { AuthenticationException } from '../common/errors';
import { TransactionRunner } from '../platform/database';
import { EventBus } from '../platform/events';
import { PasswordVerificationFailed } from '../platform/security';
import { UsersService } from '../users/users.service';
import { AuthMetrics } from './auth.metrics';
import type { LoginDto } from './dto/login.dto';
import type { SessionMode } from './dto/login-query.dto';
import type { RegisterDto } from './dto/register.dto';
import { SessionService, type TokenPair } from './session.service';

/** Sign-up, sign-in, token refresh and sign-out. */
@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
    private readonly transactions: TransactionRunner,
    private readonly metrics: AuthMetrics,
    private readonly events: EventBus,
  ) {}

  /** Sign-up that reveals nothing about existing accounts (see UsersService.registerQuietly). */
  register(input: RegisterDto): Promise<void> {
    return this.users.registerQuietly(input);
  }

  /**
   * Exchanges email and password for a new session. The same error (and similar timing) for an
   * unknown email, a wrong password and a deactivated account. Both outcomes are audited: a
   * failure on its own (there is no change to join), a success with the session it opens.
   */
  async login(input: LoginDto, mode: SessionMode = 'token'): Promise<TokenPair> {
    const check = await this.users.verifyCredentials(input.email, input.password);
    if (!check.ok) {
      this.metrics.logins.inc({ result: 'failure' });
      this.events.signal(PasswordVerificationFailed, { userId: check.userId, reason: check.reason });
      await this.audit.record({
        action: AuditAction.LoginFailed,
        resourceType: AuditResource.User,
        resourceId: check.userId,
        actorId: null,
        details: { reason: check.reason },
      });
      this.logger.warn({ reason: check.reason }, 'Login failed');
      throw new AuthenticationException('invalid_credentials');
    }
    const pair = await this.transactions.run(async () => {
      await this.users.recordLogin(check.user.id);
      const opened = await this.sessions.start(check.user);
      await this.audit.record({
        action: AuditAction.LoginSucceeded,
        resourceType: AuditResource.User,
        resourceId: check.user.id,
        actorId: check.user.id,
        details: { sessionId: opened.sessionId, mode },
      });
      return opened;
    });
    this.metrics.logins.inc({ result: 'success' });
    this.logger.log({ loginUserId: check.user.id }, 'Login succeeded');
    return pair;
  }

  /** Rotates a refresh token (see SessionService.rotate). */
  refresh(refreshToken: string): Promise<TokenPair> {
    return this.sessions.rotate(refreshToken);
  }

  /** The session a refresh token belongs to, when it is a valid one. */
  sessionOfRefreshToken(refreshToken: string | undefined): string | undefined {
    return refreshToken === undefined ? undefined : this.sessions.sessionOfRefreshToken(refreshToken)?.sessionId;
  }

  /**
   * Ends the caller's session: the access token in use fails at once, on every replica, and so do
   * the session's refresh tokens. A refresh token ends its session too: alone (a client whose
   * access token expired), or beside an access token of the same user. A refresh token that is
   * not valid (signature, expiry) with no access token is 401.
   */
  async logout(principal: Principal | undefined, refreshToken?: string): Promise<void> {
    const presented = refreshToken === undefined ? null : this.sessions.sessionOfRefreshToken(refreshToken);
    if (!principal && !presented) throw new AuthenticationException('invalid_token');
    if (principal?.method === 'access_token' && principal.expiresAt !== undefined) {
      await this.sessions.revokeAccessToken(principal.credentialId, principal.expiresAt);
    }
    if (principal?.sessionId) await this.sessions.end(principal.sessionId, principal.userId);
    const owner = principal?.userId ?? presented?.userId;
    if (presented && presented.userId === owner && presented.sessionId !== principal?.sessionId) {
      await this.sessions.end(presented.sessionId, presented.userId);
    }
    this.logger.log('Logged out');
  }
}
