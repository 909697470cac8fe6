import { Injectable } from '@nestjs/common';
import type { Request } from 'express';

import type { Authenticator } from '../common/access/authenticator';
import type { Principal } from '../common/access/principal';
import { AuthenticationException } from '../common/errors';
import { ACCESS_TOKEN_COOKIE, readCookie } from '../common/http/auth-cookies';
import { UsersService } from '../users/users.service';
import { ApiKeysService } from './api-keys.service';
import { SessionService } from './session.service';
import { TokenService } from './token.service';

/** Longest credential worth parsing; a JWT of this service is far shorter. */
const MAX_CREDENTIAL_LENGTH = 4096;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * Turns the credentials of a request into a Principal: a Bearer access token, an `X-API-Key`, or
 * (for cookie-mode web clients) the access-token cookie. Tokens are checked against the current
 * state of their user (deactivated, deleted, or a newer token version: rejected at once) and
 * against the revocation store (logout, stolen refresh token).
 */
@Injectable()
export class CredentialsAuthenticator implements Authenticator {
  constructor(
    private readonly tokens: TokenService,
    private readonly users: UsersService,
    private readonly sessions: SessionService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  async authenticate(request: Request): Promise<Principal | null> {
    const { authorization } = request.headers;
    const apiKey = request.headers['x-api-key'];
    if (authorization !== undefined && apiKey !== undefined) throw new AuthenticationException('ambiguous_credentials');
    if (apiKey !== undefined) return this.apiKeys.authenticate(singleValue(apiKey));
    if (authorization !== undefined) return this.fromAccessToken(bearerToken(authorization), false);
    const cookie = readCookie(request, ACCESS_TOKEN_COOKIE);
    if (cookie === undefined) return null;
    return this.fromAccessToken(jwtShaped(cookie), true);
  }

  private async fromAccessToken(token: string, viaCookie: boolean): Promise<Principal> {
    const claims = this.tokens.verifyAccessToken(token);
    const [user, revoked] = await Promise.all([this.users.findActiveById(claims.sub), this.sessions.isRevoked(claims)]);
    if (!user) throw new AuthenticationException('user_inactive_or_missing');
    if (user.tokenVersion !== claims.ver) throw new AuthenticationException('stale_token');
    if (revoked) throw new AuthenticationException('token_revoked');
    return {
      userId: user.id,
      role: user.role,
      method: 'access_token',
      credentialId: claims.jti,
      sessionId: claims.fam,
      expiresAt: claims.exp,
      viaCookie,
    };
  }
}

function bearerToken(header: string): string {
  if (header.length > MAX_CREDENTIAL_LENGTH) throw new AuthenticationException('malformed_authorization');
  // Auth schemes are case-insensitive (RFC 7235 §2.1).
  const match = /^Bearer +(\S+)$/i.exec(header);
  if (!match) throw new AuthenticationException('malformed_authorization');
  return jwtShaped(match[1]);
}

function jwtShaped(token: string): string {
  if (token.length > MAX_CREDENTIAL_LENGTH || !JWT_SHAPE.test(token)) {
    throw new AuthenticationException('malformed_authorization');
  }
  return token;
}

function singleValue(header: string | string[]): string {
  if (Array.isArray(header) || header.length > MAX_CREDENTIAL_LENGTH)
    throw new AuthenticationException('malformed_api_key');
  return header.trim();
}
