import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';

import { RequestContextService } from '../common/context/request-context.service';
import { TransactionRunner } from '../platform/database';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';
import { AuditAction, AuditResource } from './audit-actions';

const ACTOR = '0b6f1c52-6a4e-4c59-9d0e-1f6a2b3c4d5e';

describe(AuditService.name, () => {
  let sut: AuditService;
  let entries: { insertion: jest.Mock; findPage: jest.Mock };
  /** Writes the statement a unit of work built from the recorded entries. */
  let write: jest.Mock;
  let context: { userId?: string; requestId?: string; ip?: string };

  beforeEach(async () => {
    jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
    entries = { insertion: jest.fn().mockReturnValue({ sql: 'INSERT …', parameters: [] }), findPage: jest.fn() };
    write = jest.fn().mockResolvedValue(undefined);
    // Outside a unit of work, as here, an entry is written on its own at once.
    const transactions = {
      batchBeforeCommit: async (_key: symbol, item: unknown, build: (items: unknown[]) => Promise<unknown>) =>
        write(await build([item])),
    };
    context = { userId: ACTOR, requestId: 'req-1', ip: '203.0.113.7' };
    const moduleRef = await Test.createTestingModule({
      providers: [
        AuditService,
        { provide: AuditRepository, useValue: entries },
        { provide: RequestContextService, useValue: context },
        { provide: TransactionRunner, useValue: transactions },
      ],
    }).compile();
    sut = moduleRef.get(AuditService);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('records the caller, the request id and the client IP from the request context', async () => {
    await sut.record({
      action: AuditAction.RoleChanged,
      resourceType: AuditResource.User,
      resourceId: 'u1',
      details: { to: 'staff' },
    });

    expect(entries.insertion).toHaveBeenCalledWith([
      {
        actorId: ACTOR,
        action: 'user.role_changed',
        resourceType: 'user',
        resourceId: 'u1',
        details: { to: 'staff' },
        requestId: 'req-1',
        ip: '203.0.113.7',
      },
    ]);
    expect(write).toHaveBeenCalledTimes(1);
  });

  it('keeps an explicit actor, including none', async () => {
    await sut.record({ action: AuditAction.LoginFailed, resourceType: AuditResource.User, actorId: null });

    expect(entries.insertion).toHaveBeenCalledWith([
      expect.objectContaining({ actorId: null, resourceId: null, details: {} }),
    ]);
  });

  it('works outside a request (no context)', async () => {
    context.userId = undefined;
    context.requestId = undefined;
    context.ip = undefined;

    await sut.record({ action: AuditAction.ApiKeyRevoked, resourceType: AuditResource.ApiKey, resourceId: 'k1' });

    expect(entries.insertion).toHaveBeenCalledWith([
      expect.objectContaining({ actorId: null, requestId: null, ip: null }),
    ]);
  });

  it('blanks anything that looks like a credential, at any depth', async () => {
    await sut.record({
      action: AuditAction.PasswordChanged,
      resourceType: AuditResource.User,
      details: {
        password: 'Secret-1',
        nested: { refreshToken: 'eyJ', apiKey: 'k.s', keep: 'me' },
        list: [{ currentPassword: 'Secret-2' }],
      },
    });

    const [[[entry]]] = entries.insertion.mock.calls as Array<[[{ details: unknown }]]>;
    expect(entry.details).toEqual({
      password: '[REDACTED]',
      nested: { refreshToken: '[REDACTED]', apiKey: '[REDACTED]', keep: 'me' },
      list: [{ currentPassword: '[REDACTED]' }],
    });
  });

  it('propagates a failed insert, so the caller’s transaction rolls back with it', async () => {
    write.mockRejectedValue(new Error('insert failed'));

    await expect(sut.record({ action: AuditAction.RoleChanged, resourceType: AuditResource.User })).rejects.toThrow(
      'insert failed',
    );
  });
});
