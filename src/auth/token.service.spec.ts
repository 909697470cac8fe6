import { createHmac, createSecretKey } from 'node:crypto';

import { ConfigService } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import { Test } from '@nestjs/testing';

import { Role } from '../common/access/roles';
import { AuthenticationException } from '../common/errors';
import type { AuthConfig } from '../config';
import { MetricsRegistry } from '../platform/metrics/metrics-registry';
import { AuthMetrics } from './auth.metrics';
import { TokenService } from './token.service';

/** A session end far enough away that it does not shorten any token. */
const FAR_SESSION_END = Math.floor(Date.now() / 1000) + 365 * 86_400;

const AUTH: AuthConfig = {
  jwtSecret: 'x'.repeat(40),
  issuer: 'commerce-api',
  audience: 'commerce-clients',
  accessTokenTtlSeconds: 900,
  refreshTokenTtlSeconds: 86_400,
  sessionMaxSeconds: 2_592_000,
};
const USER_ID = '0b6f1c52-6a4e-4c59-9d0e-1f6a2b3c4d5e';
const SESSION_ID = '7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6';
const SUBJECT = { userId: USER_ID, role: Role.Staff, tokenVersion: 3, sessionId: SESSION_ID };

const base64url = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const decodeSegment = (segment: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>;

describe(TokenService.name, () => {
  let sut: TokenService;
  /** Signs tokens the way an attacker or a misconfigured issuer might. */
  const forger = new JwtService({});

  function forge(
    payload: Record<string, unknown> = { role: Role.Customer, typ: 'access', fam: SESSION_ID, ver: 0 },
    options: Parameters<JwtService['sign']>[1] = {},
  ): string {
    return forger.sign(payload, {
      subject: USER_ID,
      jwtid: 'forged-jti',
      expiresIn: 60,
      algorithm: 'HS256',
      issuer: AUTH.issuer,
      audience: AUTH.audience,
      secret: AUTH.jwtSecret,
      ...options,
    });
  }

  function expectRejected(token: string, reason?: string, verify: 'access' | 'refresh' = 'access'): void {
    let thrown: unknown;
    try {
      if (verify === 'access') sut.verifyAccessToken(token);
      else sut.verifyRefreshToken(token);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AuthenticationException);
    if (reason) expect(thrown).toMatchObject({ reason });
  }

  beforeEach(async () => {
    const config = { getOrThrow: jest.fn((key: string) => (key === 'auth' ? AUTH : undefined)) };
    const moduleRef = await Test.createTestingModule({
      providers: [
        TokenService,
        // As AuthModule registers it: the secret as a key object, made once.
        { provide: JwtService, useValue: new JwtService({ secret: createSecretKey(Buffer.from(AUTH.jwtSecret)) }) },
        { provide: ConfigService, useValue: config },
        AuthMetrics,
        MetricsRegistry,
      ],
    }).compile();
    sut = moduleRef.get(TokenService);
  });

  describe('issueAccessToken', () => {
    it('issues a token that verifies back to its claims', () => {
      const before = Math.floor(Date.now() / 1000);

      const issued = sut.issueAccessToken(SUBJECT, FAR_SESSION_END);
      const claims = sut.verifyAccessToken(issued.token);

      expect(issued.expiresIn).toBe(900);
      expect(issued.expiresAt).toBe(claims.exp);
      expect(claims).toMatchObject({
        sub: USER_ID,
        role: Role.Staff,
        jti: issued.jti,
        typ: 'access',
        fam: SESSION_ID,
        ver: 3,
        iss: 'commerce-api',
        aud: 'commerce-clients',
      });
      expect(claims.exp).toBeGreaterThanOrEqual(before + 900);
      expect(claims.exp).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 900);
    });

    it('signs with HS256', () => {
      const [header] = sut.issueAccessToken(SUBJECT, FAR_SESSION_END).token.split('.');

      expect(decodeSegment(header)).toEqual({ alg: 'HS256', typ: 'JWT' });
    });

    it('gives every token its own jti', () => {
      const first = sut.issueAccessToken(SUBJECT, FAR_SESSION_END);
      const second = sut.issueAccessToken(SUBJECT, FAR_SESSION_END);

      expect(first.jti).not.toBe(second.jti);
      expect(first.jti).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('verifyAccessToken', () => {
    it('accepts a token signed with the same settings', () => {
      expect(sut.verifyAccessToken(forge())).toMatchObject({ sub: USER_ID, jti: 'forged-jti', typ: 'access' });
    });

    it('rejects a token signed with another secret', () => {
      expectRejected(forge(undefined, { secret: 'y'.repeat(40) }), 'invalid_token');
    });

    it('rejects a token whose payload was tampered with', () => {
      const [header, payload, signature] = sut.issueAccessToken(SUBJECT, FAR_SESSION_END).token.split('.');
      const escalated = base64url({ ...decodeSegment(payload), role: Role.Admin });

      expectRejected(`${header}.${escalated}.${signature}`, 'invalid_token');
    });

    it('rejects an expired token', () => {
      expectRejected(forge(undefined, { expiresIn: -10 }), 'invalid_token');
    });

    it('rejects an unsigned token (alg "none")', () => {
      const now = Math.floor(Date.now() / 1000);
      const header = base64url({ alg: 'none', typ: 'JWT' });
      const payload = base64url({
        sub: USER_ID,
        role: Role.Admin,
        typ: 'access',
        jti: 'unsigned',
        iss: AUTH.issuer,
        aud: AUTH.audience,
        iat: now,
        exp: now + 60,
      });

      expectRejected(`${header}.${payload}.`, 'invalid_token');
    });

    it('rejects a token signed with another HMAC algorithm', () => {
      expectRejected(forge(undefined, { algorithm: 'HS512' }), 'invalid_token');
    });

    it('rejects a token of another issuer', () => {
      expectRejected(forge(undefined, { issuer: 'someone-else' }), 'invalid_token');
    });

    it('rejects a token for another audience', () => {
      expectRejected(forge(undefined, { audience: 'admin-console' }), 'invalid_token');
    });

    it('rejects a token of another type', () => {
      expectRejected(forge({ role: Role.Customer, typ: 'refresh', fam: SESSION_ID, ver: 0 }), 'wrong_token_type');
    });

    it('rejects a refresh token used as an access token', () => {
      expectRejected(sut.issueRefreshToken(SUBJECT, FAR_SESSION_END).token, 'wrong_token_type');
    });

    it('rejects a token without a type', () => {
      expectRejected(forge({ role: Role.Customer, fam: SESSION_ID, ver: 0 }), 'wrong_token_type');
    });

    it.each([
      ['a session', { role: Role.Customer, typ: 'access', ver: 0 }],
      ['a token version', { role: Role.Customer, typ: 'access', fam: SESSION_ID }],
      ['a role', { typ: 'access', fam: SESSION_ID, ver: 0 }],
    ])('rejects a token without %s', (_label, payload) => {
      expectRejected(forge(payload), 'wrong_token_type');
    });

    it('rejects a token signed with RS256 header but an HMAC signature (algorithm confusion)', () => {
      const [, payload] = forge().split('.');
      const header = base64url({ alg: 'RS256', typ: 'JWT' });
      const signature = createHmac('sha256', AUTH.jwtSecret).update(`${header}.${payload}`).digest('base64url');

      expectRejected(`${header}.${payload}.${signature}`, 'invalid_token');
    });

    it('rejects a token without a jti', () => {
      const token = forger.sign(
        { role: Role.Customer, typ: 'access', fam: SESSION_ID, ver: 0 },
        { subject: USER_ID, expiresIn: 60, issuer: AUTH.issuer, audience: AUTH.audience, secret: AUTH.jwtSecret },
      );

      expectRejected(token, 'wrong_token_type');
    });

    it.each(['', 'not-a-jwt', 'a.b.c'])('rejects the malformed token %p', (token) => {
      expectRejected(token, 'invalid_token');
    });
  });

  describe('refresh tokens', () => {
    it('issues a refresh token with the requested jti that verifies back to its claims', () => {
      const issued = sut.issueRefreshToken(SUBJECT, FAR_SESSION_END, 'chosen-jti');

      expect(issued.expiresIn).toBe(86_400);
      expect(sut.verifyRefreshToken(issued.token)).toMatchObject({
        sub: USER_ID,
        jti: 'chosen-jti',
        typ: 'refresh',
        fam: SESSION_ID,
        ver: 3,
      });
    });

    it('rejects an access token presented as a refresh token', () => {
      expectRejected(sut.issueAccessToken(SUBJECT, FAR_SESSION_END).token, 'wrong_token_type', 'refresh');
    });

    it('rejects an expired refresh token', () => {
      expectRejected(forge({ typ: 'refresh', fam: SESSION_ID, ver: 0 }, { expiresIn: -1 }), 'invalid_token', 'refresh');
    });
  });
});
