import { Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';

import { compileUnit, newAuditMock } from '../../test/support/unit';
import { AuditService } from '../audit/audit.service';
import { AuditAction, AuditResource } from '../audit/audit-actions';
import type { Principal } from '../common/access/principal';
import { Role } from '../common/access/roles';
import { AuthenticationException } from '../common/errors';
import { EventBus } from '../platform/events';
import { UsersService } from '../users/users.service';
import { AuthMetrics } from './auth.metrics';
import { AuthService } from './auth.service';
import { SessionService } from './session.service';

const USER_ID = '0b6f1c52-6a4e-4c59-9d0e-1f6a2b3c4d5e';
const USER = { id: USER_ID, role: Role.Customer, tokenVersion: 0 };
const PAIR = {
  accessToken: 'a',
  refreshToken: 'r',
  expiresIn: 900,
  refreshExpiresIn: 3600,
  sessionId: 's1',
  userId: USER_ID,
};

describe(AuthService.name, () => {
  let sut: AuthService;
  let users: { verifyCredentials: jest.Mock; recordLogin: jest.Mock; register: jest.Mock };
  let sessions: Record<string, jest.Mock>;
  let audit: { record: jest.Mock };
  let txHost: TransactionHost;
  let events: { signal: jest.Mock };

  beforeEach(async () => {
    events = { signal: jest.fn() };
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    users = {
      verifyCredentials: jest.fn().mockResolvedValue({ ok: true, user: USER }),
      recordLogin: jest.fn().mockResolvedValue(undefined),
      register: jest.fn(),
    };
    sessions = {
      start: jest.fn().mockResolvedValue(PAIR),
      rotate: jest.fn().mockResolvedValue(PAIR),
      end: jest.fn().mockResolvedValue(undefined),
      revokeAccessToken: jest.fn().mockResolvedValue(undefined),
      sessionOfRefreshToken: jest.fn().mockReturnValue(null),
    };
    audit = newAuditMock();
    const moduleRef = await compileUnit([
      AuthService,
      { provide: UsersService, useValue: users },
      { provide: SessionService, useValue: sessions },
      { provide: AuditService, useValue: audit },
      { provide: AuthMetrics, useValue: { logins: { inc: jest.fn() } } },
      { provide: EventBus, useValue: events },
    ]);
    sut = moduleRef.get(AuthService);
    txHost = moduleRef.get(TransactionHost);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  describe('login', () => {
    it('opens a session, stamps the login and audits it, all in one transaction', async () => {
      const inTransaction: boolean[] = [];
      for (const mock of [users.recordLogin, sessions.start, audit.record]) {
        mock.mockImplementation(() => {
          inTransaction.push(txHost.isTransactionActive());
          return Promise.resolve(mock === sessions.start ? PAIR : undefined);
        });
      }

      await expect(sut.login({ email: 'ada@example.com', password: 'pw' }, 'cookie')).resolves.toBe(PAIR);

      expect(inTransaction).toEqual([true, true, true]);
      expect(audit.record).toHaveBeenCalledWith({
        action: AuditAction.LoginSucceeded,
        resourceType: AuditResource.User,
        resourceId: USER_ID,
        actorId: USER_ID,
        details: { sessionId: 's1', mode: 'cookie' },
      });
    });

    it.each(['unknown_account', 'wrong_password', 'inactive'] as const)(
      'answers %s with the same 401, audited outside any transaction, without the password',
      async (reason) => {
        users.verifyCredentials.mockResolvedValue({
          ok: false,
          reason,
          userId: reason === 'unknown_account' ? null : USER_ID,
        });
        audit.record.mockImplementation(() => {
          expect(txHost.isTransactionActive()).toBe(false);
          return Promise.resolve();
        });

        const promise = sut.login({ email: 'ada@example.com', password: 'Secret-Attempt-1' });

        await expect(promise).rejects.toThrow(AuthenticationException);
        await expect(promise).rejects.toMatchObject({ reason: 'invalid_credentials' });
        expect(audit.record).toHaveBeenCalledWith(
          expect.objectContaining({ action: AuditAction.LoginFailed, actorId: null, details: { reason } }),
        );
        expect(JSON.stringify(audit.record.mock.calls)).not.toContain('Secret-Attempt-1');
        expect(sessions.start).not.toHaveBeenCalled();
      },
    );
  });

  describe('logout', () => {
    const principal: Principal = {
      userId: USER_ID,
      role: Role.Customer,
      method: 'access_token',
      credentialId: 'jti-1',
      sessionId: 's1',
      expiresAt: 2e9,
    };

    it('revokes the access token in use and ends its session', async () => {
      await sut.logout(principal);

      expect(sessions.revokeAccessToken).toHaveBeenCalledWith('jti-1', 2e9);
      expect(sessions.end).toHaveBeenCalledWith('s1', USER_ID);
    });

    it('also ends the session of a refresh token of the same user', async () => {
      sessions.sessionOfRefreshToken.mockReturnValue({ sessionId: 's2', userId: USER_ID });

      await sut.logout(principal, 'refresh');

      expect(sessions.end).toHaveBeenCalledWith('s2', USER_ID);
    });

    it('ignores a refresh token of another user', async () => {
      sessions.sessionOfRefreshToken.mockReturnValue({ sessionId: 's9', userId: 'someone-else' });

      await sut.logout(principal, 'refresh');

      expect(sessions.end).toHaveBeenCalledTimes(1);
    });

    it('ends the session of a refresh token presented alone (the access token expired)', async () => {
      sessions.sessionOfRefreshToken.mockReturnValue({ sessionId: 's3', userId: USER_ID });

      await sut.logout(undefined, 'refresh');

      expect(sessions.revokeAccessToken).not.toHaveBeenCalled();
      expect(sessions.end).toHaveBeenCalledWith('s3', USER_ID);
    });

    it('answers 401 to a refresh token that is not valid, presented alone', async () => {
      sessions.sessionOfRefreshToken.mockReturnValue(null);

      await expect(sut.logout(undefined, 'forged')).rejects.toThrow(AuthenticationException);
      expect(sessions.end).not.toHaveBeenCalled();
    });

    it('revokes no token for an API-key caller', async () => {
      await sut.logout({ userId: USER_ID, role: Role.Customer, method: 'api_key', credentialId: 'key' });

      expect(sessions.revokeAccessToken).not.toHaveBeenCalled();
      expect(sessions.end).not.toHaveBeenCalled();
    });
  });
});
