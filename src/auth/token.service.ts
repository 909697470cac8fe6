import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';

import type { Role } from '../common/access/roles';
import { AuthenticationException } from '../common/errors';
import type { AllConfig, AuthConfig } from '../config';
import { AuthMetrics } from './auth.metrics';

/** Only this algorithm is accepted: no `alg: none`, no HS/RS confusion. */
const ALGORITHM = 'HS256';

export type TokenType = 'access' | 'refresh';

/** Claims every token of this service carries. */
interface BaseClaims {
  readonly sub: string;
  readonly jti: string;
  readonly typ: TokenType;
  /** The session (refresh-token family) the token belongs to. */
  readonly fam: string;
  /** The user's token version when issued; a newer one on the user makes the token stale. */
  readonly ver: number;
  readonly exp: number;
}

export interface AccessTokenClaims extends BaseClaims {
  readonly typ: 'access';
  readonly role: Role;
}

export interface RefreshTokenClaims extends BaseClaims {
  readonly typ: 'refresh';
}

export interface IssuedToken {
  readonly token: string;
  readonly jti: string;
  /** Lifetime in seconds. */
  readonly expiresIn: number;
  /** Unix seconds when it stops working. */
  readonly expiresAt: number;
}

/** Who a token is issued to. */
export interface TokenSubject {
  readonly userId: string;
  readonly role: Role;
  readonly tokenVersion: number;
  readonly sessionId: string;
}

/**
 * Signs and verifies the service's JWTs: HS256 only, fixed issuer and audience, a jti on each,
 * a type (`access` or `refresh`) so neither can stand in for the other, the session they belong
 * to and the user's token version.
 */
@Injectable()
export class TokenService {
  private readonly config: AuthConfig;

  constructor(
    private readonly jwt: JwtService,
    config: ConfigService<AllConfig, true>,
    private readonly metrics: AuthMetrics,
  ) {
    this.config = config.getOrThrow('auth', { infer: true });
  }

  get accessTokenTtlSeconds(): number {
    return this.config.accessTokenTtlSeconds;
  }

  get sessionMaxSeconds(): number {
    return this.config.sessionMaxSeconds;
  }

  /** An access token living its configured lifetime, or less when its session ends sooner (Unix seconds). */
  issueAccessToken(subject: TokenSubject, sessionEndsAt: number): IssuedToken {
    const ttl = cappedTtl(this.config.accessTokenTtlSeconds, sessionEndsAt);
    return this.sign({ role: subject.role }, 'access', subject, ttl, randomUUID());
  }

  /**
   * A refresh token that never outlives its session. `jti` may be chosen by the caller, so the
   * ledger can link a consumed token to its successor first.
   */
  issueRefreshToken(
    subject: Omit<TokenSubject, 'role'>,
    sessionEndsAt: number,
    jti: string = randomUUID(),
  ): IssuedToken {
    return this.sign({}, 'refresh', subject, cappedTtl(this.config.refreshTokenTtlSeconds, sessionEndsAt), jti);
  }

  /** The claims of a valid access token; AuthenticationException for anything else. */
  verifyAccessToken(token: string): AccessTokenClaims {
    const claims = this.verify(token, 'access');
    if (typeof claims.role !== 'string') throw new AuthenticationException('wrong_token_type');
    return claims as unknown as AccessTokenClaims;
  }

  /** The claims of a valid refresh token (signature, expiry and type only: the caller checks it was not used). */
  verifyRefreshToken(token: string): RefreshTokenClaims {
    return this.verify(token, 'refresh') as unknown as RefreshTokenClaims;
  }

  private sign(
    payload: Record<string, unknown>,
    typ: TokenType,
    subject: Omit<TokenSubject, 'role'>,
    expiresIn: number,
    jti: string,
  ): IssuedToken {
    const token = this.jwt.sign(
      { ...payload, typ, fam: subject.sessionId, ver: subject.tokenVersion },
      {
        subject: subject.userId,
        jwtid: jti,
        expiresIn,
        algorithm: ALGORITHM,
        issuer: this.config.issuer,
        audience: this.config.audience,
      },
    );
    this.metrics.tokensCreated.inc({ type: typ });
    return { token, jti, expiresIn, expiresAt: Math.floor(Date.now() / 1000) + expiresIn };
  }

  private verify(token: string, typ: TokenType): Record<string, unknown> {
    const stopTimer = this.metrics.tokenValidationDuration.startTimer({ type: typ });
    try {
      const claims = this.verifySignatureAndClaims(token, typ);
      this.metrics.tokenValidations.inc({ type: typ, result: 'valid' });
      return claims;
    } catch (error) {
      this.metrics.tokenValidations.inc({ type: typ, result: 'invalid' });
      throw error;
    } finally {
      stopTimer();
    }
  }

  private verifySignatureAndClaims(token: string, typ: TokenType): Record<string, unknown> {
    let claims: Record<string, unknown>;
    try {
      claims = this.jwt.verify<Record<string, unknown>>(token, {
        algorithms: [ALGORITHM],
        issuer: this.config.issuer,
        audience: this.config.audience,
      });
    } catch {
      throw new AuthenticationException('invalid_token');
    }
    const wellFormed =
      claims.typ === typ &&
      typeof claims.sub === 'string' &&
      typeof claims.jti === 'string' &&
      typeof claims.fam === 'string' &&
      Number.isInteger(claims.ver) &&
      typeof claims.exp === 'number';
    if (!wellFormed) throw new AuthenticationException('wrong_token_type');
    return claims;
  }
}

/** The configured lifetime, shortened so the token expires no later than `endsAt` (Unix seconds). */
function cappedTtl(ttlSeconds: number, endsAt: number): number {
  const remaining = endsAt - Math.floor(Date.now() / 1000);
  if (remaining <= 0) throw new AuthenticationException('session_expired');
  return Math.min(ttlSeconds, remaining);
}
