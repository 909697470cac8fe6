import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { CookieOptions, Request, Response } from 'express';

import { CsrfInvalidException } from '../common/errors';
import {
  ACCESS_TOKEN_COOKIE,
  CSRF_COOKIE,
  CSRF_HEADER,
  readCookie,
  REFRESH_TOKEN_COOKIE,
} from '../common/http/auth-cookies';
import type { AllConfig, AuthConfig } from '../config';
import { CsrfTokenService } from '../platform/security';
import type { CookieSessionResponseDto } from './dto/cookie-session-response.dto';
import type { TokenPair } from './session.service';

/** The refresh cookie is only ever sent to the auth routes. */
const REFRESH_COOKIE_PATH = '/api/v1/auth';
/** What a CSRF token is bound to when the caller has no cookie session (it then validates nothing). */
const NO_SESSION = 'anonymous';

/**
 * Cookie mode for web clients: the tokens live in httpOnly, Secure, SameSite=Strict cookies that
 * scripts cannot read, and a CSRF token (double submit, bound to the session) guards every
 * state-changing request.
 */
@Injectable()
export class SessionCookies {
  private readonly auth: AuthConfig;

  constructor(
    config: ConfigService<AllConfig, true>,
    private readonly csrf: CsrfTokenService,
  ) {
    this.auth = config.getOrThrow('auth', { infer: true });
  }

  /** Sets the cookies of a new session and its CSRF token. */
  start(response: Response, pair: TokenPair): CookieSessionResponseDto {
    this.setTokens(response, pair);
    return { expiresIn: pair.expiresIn, csrfToken: this.issueCsrf(response, pair.sessionId) };
  }

  /** Replaces the token cookies after a rotation; the session, hence its CSRF token, stays the same. */
  renew(response: Response, pair: TokenPair, csrfToken: string): CookieSessionResponseDto {
    this.setTokens(response, pair);
    return { expiresIn: pair.expiresIn, csrfToken };
  }

  clear(response: Response): void {
    response.clearCookie(ACCESS_TOKEN_COOKIE, this.options('/'));
    response.clearCookie(REFRESH_TOKEN_COOKIE, this.options(REFRESH_COOKIE_PATH));
    response.clearCookie(CSRF_COOKIE, { ...this.options('/'), httpOnly: false });
  }

  /** A CSRF token for the session (or for nobody), also set as the CSRF cookie. */
  issueCsrf(response: Response, sessionId: string | undefined): string {
    const token = this.csrf.issue(sessionId ?? NO_SESSION);
    // Readable by the page's scripts on purpose (classic double submit); it is no credential by itself.
    response.cookie(CSRF_COOKIE, token, {
      ...this.options('/'),
      httpOnly: false,
      maxAge: this.auth.refreshTokenTtlSeconds * 1000,
    });
    return token;
  }

  refreshTokenOf(request: Request): string | undefined {
    return readCookie(request, REFRESH_TOKEN_COOKIE);
  }

  /** The CSRF header of a cookie-mode request if it is valid for `sessionId`; CSRF_INVALID otherwise. */
  requireCsrf(request: Request, sessionId: string): string {
    const header = request.headers[CSRF_HEADER];
    const token = typeof header === 'string' ? header : undefined;
    if (!this.csrf.verify(token, readCookie(request, CSRF_COOKIE), sessionId) || !token) {
      throw new CsrfInvalidException();
    }
    return token;
  }

  private setTokens(response: Response, pair: TokenPair): void {
    response.cookie(ACCESS_TOKEN_COOKIE, pair.accessToken, { ...this.options('/'), maxAge: pair.expiresIn * 1000 });
    response.cookie(REFRESH_TOKEN_COOKIE, pair.refreshToken, {
      ...this.options(REFRESH_COOKIE_PATH),
      maxAge: pair.refreshExpiresIn * 1000,
    });
  }

  private options(path: string): CookieOptions {
    return { httpOnly: true, secure: true, sameSite: 'strict', path };
  }
}
