import { compileUnit, newAuditMock } from '../../test/support/unit';
import { AuditService } from '../audit/audit.service';
import { AuditAction, AuditResource } from '../audit/audit-actions';
import { Role } from '../common/access/roles';
import { AuthenticationException } from '../common/errors';
import { EventBus } from '../platform/events';
import { REVOCATION_STORE, RevocationStoreUnavailableError } from '../platform/security/revocation-store';
import { UsersService } from '../users/users.service';
import { AuthMetrics } from './auth.metrics';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { SessionService } from './session.service';
import { type AccessTokenClaims, type RefreshTokenClaims, TokenService } from './token.service';

const USER_ID = '0b6f1c52-6a4e-4c59-9d0e-1f6a2b3c4d5e';
const FAMILY = '7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6';
const REFRESH_CLAIMS: RefreshTokenClaims = { sub: USER_ID, jti: 'r1', typ: 'refresh', fam: FAMILY, ver: 1, exp: 2e9 };
const USER = { id: USER_ID, role: Role.Customer, tokenVersion: 1 };

describe(SessionService.name, () => {
  let sut: SessionService;
  let tokens: Record<string, jest.Mock>;
  let ledger: Record<string, jest.Mock>;
  let users: { findActiveById: jest.Mock };
  let audit: { record: jest.Mock };
  let revocations: { revoke: jest.Mock; isAnyRevoked: jest.Mock; seed: jest.Mock };
  let metrics: { refreshes: { inc: jest.Mock }; revocationFallbacks: { inc: jest.Mock } };

  beforeEach(async () => {
    tokens = {
      verifyRefreshToken: jest.fn().mockReturnValue(REFRESH_CLAIMS),
      issueRefreshToken: jest.fn((_subject, _sessionEndsAt: number, jti: string = 'fresh') => ({
        token: `refresh-${jti}`,
        jti,
        expiresIn: 3600,
        expiresAt: 2e9,
      })),
      issueAccessToken: jest.fn().mockReturnValue({ token: 'access', jti: 'a1', expiresIn: 900, expiresAt: 2e9 }),
    };
    Object.defineProperty(tokens, 'accessTokenTtlSeconds', { value: 900 });
    Object.defineProperty(tokens, 'sessionMaxSeconds', { value: 2_592_000 });
    ledger = {
      insert: jest.fn().mockResolvedValue(undefined),
      consume: jest.fn().mockResolvedValue({ familyId: FAMILY, userId: USER_ID, sessionExpiresAt: new Date(2e12) }),
      findByJti: jest.fn().mockResolvedValue(null),
      findAnyOfFamily: jest.fn().mockResolvedValue({ userId: USER_ID }),
      revokeFamily: jest.fn().mockResolvedValue(1),
      isFamilyRevoked: jest.fn().mockResolvedValue(false),
      familiesRevokedSince: jest.fn().mockResolvedValue([]),
    };
    users = { findActiveById: jest.fn().mockResolvedValue(USER) };
    audit = newAuditMock();
    revocations = {
      revoke: jest.fn().mockResolvedValue(undefined),
      isAnyRevoked: jest.fn().mockResolvedValue(false),
      seed: jest.fn().mockResolvedValue(undefined),
    };
    metrics = { refreshes: { inc: jest.fn() }, revocationFallbacks: { inc: jest.fn() } };
    const moduleRef = await compileUnit([
      SessionService,
      { provide: TokenService, useValue: tokens },
      { provide: RefreshTokensRepository, useValue: ledger },
      { provide: UsersService, useValue: users },
      { provide: AuditService, useValue: audit },
      { provide: AuthMetrics, useValue: metrics },
      { provide: REVOCATION_STORE, useValue: revocations },
      { provide: EventBus, useValue: { signal: jest.fn() } },
    ]);
    sut = moduleRef.get(SessionService);
  });

  describe('start', () => {
    it('issues a pair of a new session and records its refresh token', async () => {
      const pair = await sut.start(USER);

      expect(pair).toMatchObject({
        accessToken: 'access',
        refreshToken: 'refresh-fresh',
        expiresIn: 900,
        userId: USER_ID,
      });
      expect(ledger.insert).toHaveBeenCalledWith({
        jti: 'fresh',
        familyId: pair.sessionId,
        userId: USER_ID,
        expiresAt: new Date(2e12),
        sessionExpiresAt: expect.any(Date) as Date,
      });
    });
  });

  describe('rotate', () => {
    it('consumes the token, links it to its successor in the same family, and issues a pair', async () => {
      const pair = await sut.rotate('presented');

      const [[consumedJti, successorJti]] = ledger.consume.mock.calls as Array<[string, string]>;
      expect(consumedJti).toBe('r1');
      expect(ledger.insert).toHaveBeenCalledWith(expect.objectContaining({ jti: successorJti, familyId: FAMILY }));
      expect(pair).toMatchObject({ sessionId: FAMILY, refreshToken: `refresh-${successorJti}` });
      expect(metrics.refreshes.inc).toHaveBeenCalledWith({ result: 'rotated' });
    });

    it('revokes the family, audits and answers 401 when a consumed token comes back', async () => {
      ledger.consume.mockResolvedValue(null);
      ledger.findByJti.mockResolvedValue({
        familyId: FAMILY,
        userId: USER_ID,
        consumedAt: new Date(),
        revokedAt: null,
      });

      await expect(sut.rotate('presented')).rejects.toMatchObject({ reason: 'refresh_token_reused' });

      expect(ledger.revokeFamily).toHaveBeenCalledWith(FAMILY);
      expect(audit.record).toHaveBeenCalledWith(
        expect.objectContaining({
          action: AuditAction.RefreshTokenReused,
          resourceType: AuditResource.Session,
          resourceId: FAMILY,
        }),
      );
      expect(revocations.revoke).toHaveBeenCalledWith([`session:${FAMILY}`], expect.any(Number));
      expect(metrics.refreshes.inc).toHaveBeenCalledWith({ result: 'reused' });
    });

    it.each([
      ['unknown', null, 'unknown_refresh_token'],
      ['revoked', { familyId: FAMILY, consumedAt: null, revokedAt: new Date() }, 'refresh_token_revoked'],
      ['expired', { familyId: FAMILY, consumedAt: null, revokedAt: null }, 'refresh_token_expired'],
    ])('answers 401 for an %s token without revoking anything', async (_label, row, reason) => {
      ledger.consume.mockResolvedValue(null);
      ledger.findByJti.mockResolvedValue(row);

      await expect(sut.rotate('presented')).rejects.toMatchObject({ reason });

      expect(ledger.revokeFamily).not.toHaveBeenCalled();
      expect(ledger.insert).not.toHaveBeenCalled();
    });

    it.each([
      ['deactivated or deleted', null],
      ['whose token version moved on (password changed)', { ...USER, tokenVersion: 2 }],
    ])('revokes the session of a user %s', async (_label, user) => {
      users.findActiveById.mockResolvedValue(user);

      await expect(sut.rotate('presented')).rejects.toMatchObject({ reason: 'stale_session' });

      expect(ledger.revokeFamily).toHaveBeenCalledWith(FAMILY);
      expect(revocations.revoke).toHaveBeenCalledWith([`session:${FAMILY}`], expect.any(Number));
      expect(ledger.insert).not.toHaveBeenCalled();
    });

    it('lets an invalid token’s rejection through untouched', async () => {
      tokens.verifyRefreshToken.mockImplementation(() => {
        throw new AuthenticationException('invalid_token');
      });

      await expect(sut.rotate('junk')).rejects.toMatchObject({ reason: 'invalid_token' });
      expect(ledger.consume).not.toHaveBeenCalled();
    });
  });

  describe('end', () => {
    it('revokes the session’s refresh tokens, and its access tokens for as long as one may live', async () => {
      const before = Math.floor(Date.now() / 1000);

      await sut.end(FAMILY, USER_ID);

      expect(ledger.revokeFamily).toHaveBeenCalledWith(FAMILY);
      const [[ids, until]] = revocations.revoke.mock.calls as Array<[string[], number]>;
      expect(ids).toEqual([`session:${FAMILY}`]);
      expect(until).toBeGreaterThanOrEqual(before + 900);
      expect(until).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 900);
    });

    it('leaves another user’s refresh tokens alone', async () => {
      ledger.findAnyOfFamily.mockResolvedValue({ userId: 'someone-else' });

      await sut.end(FAMILY, USER_ID);

      expect(ledger.revokeFamily).not.toHaveBeenCalled();
    });
  });

  describe('isRevoked', () => {
    const claims: AccessTokenClaims = { ...REFRESH_CLAIMS, typ: 'access', jti: 'a1', role: Role.Customer };

    it('asks the store about the token and its session', async () => {
      revocations.isAnyRevoked.mockResolvedValue(true);

      await expect(sut.isRevoked(claims)).resolves.toBe(true);
      expect(revocations.isAnyRevoked).toHaveBeenCalledWith(['access:a1', `session:${FAMILY}`]);
    });

    it.each([true, false])('answers from the ledger (%p) when the store cannot, and counts it', async (revoked) => {
      revocations.isAnyRevoked.mockRejectedValue(new RevocationStoreUnavailableError('unreachable', new Error('down')));
      ledger.isFamilyRevoked.mockResolvedValue(revoked);

      await expect(sut.isRevoked(claims)).resolves.toBe(revoked);
      expect(metrics.revocationFallbacks.inc).toHaveBeenCalledWith({ outcome: revoked ? 'revoked' : 'valid' });
      expect(revocations.seed).not.toHaveBeenCalled();
    });

    it('answers from the ledger when the store lost its data, and seeds it from the ledger once', async () => {
      revocations.isAnyRevoked.mockRejectedValue(new RevocationStoreUnavailableError('unseeded'));
      ledger.isFamilyRevoked.mockResolvedValue(true);
      const revokedAt = new Date(Date.now() - 60_000);
      ledger.familiesRevokedSince.mockResolvedValue([{ familyId: FAMILY, revokedAt }]);

      await expect(Promise.all([sut.isRevoked(claims), sut.isRevoked(claims)])).resolves.toEqual([true, true]);
      expect(revocations.seed).toHaveBeenCalledTimes(1);
      expect(revocations.seed).toHaveBeenCalledWith([
        { id: `session:${FAMILY}`, expiresAt: Math.ceil(revokedAt.getTime() / 1000) + 900 },
      ]);
    });

    it('does not swallow other errors', async () => {
      revocations.isAnyRevoked.mockRejectedValue(new TypeError('bug'));

      await expect(sut.isRevoked(claims)).rejects.toThrow(TypeError);
    });
  });
});
