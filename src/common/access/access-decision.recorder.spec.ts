import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';

import { EventBus } from '../../platform/events/event-bus.service';
import { MetricsRegistry } from '../../platform/metrics/metrics-registry';
import { RequestContextService } from '../context/request-context.service';
import { AccessMetrics } from './access.metrics';
import { AccessDecisionRecorder, PermissionDenied, PermissionObjectDenied } from './access-decision.recorder';
import type { Principal } from './principal';
import { Role } from './roles';

const PRINCIPAL: Principal = {
  userId: '0b6f1c52-6a4e-4c59-9d0e-1f6a2b3c4d5e',
  role: Role.Customer,
  method: 'api_key',
  credentialId: 'key-1',
};

describe(AccessDecisionRecorder.name, () => {
  let sut: AccessDecisionRecorder;
  let registry: MetricsRegistry;
  let warn: jest.SpyInstance;

  let events: { signal: jest.Mock };

  beforeEach(async () => {
    events = { signal: jest.fn() };
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const moduleRef = await Test.createTestingModule({
      providers: [
        AccessDecisionRecorder,
        AccessMetrics,
        MetricsRegistry,
        { provide: RequestContextService, useValue: { requestId: 'req-9' } },
        { provide: EventBus, useValue: events },
      ],
    }).compile();
    sut = moduleRef.get(AccessDecisionRecorder);
    registry = moduleRef.get(MetricsRegistry);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  const exposition = () => registry.render();

  it('counts allowed checks', async () => {
    sut.allowed();

    expect(await exposition()).toContain('permission_checks_total{result="allowed"} 1');
  });

  it('counts a denial by what was missing, never by who', async () => {
    sut.denied({ principal: PRINCIPAL, missing: ['users:read', 'audit:read'], route: 'UsersController.list' });

    const text = await exposition();
    expect(text).toContain('permission_checks_total{result="denied"} 1');
    expect(text).toContain('permission_denied_total{permission="audit:read|users:read"} 1');
    expect(text).not.toContain(PRINCIPAL.userId);
  });

  it('logs and signals an object-level denial as permission.object_denied', () => {
    sut.denied({ principal: PRINCIPAL, missing: ['users:read'], resourceType: 'User' });

    const payload = {
      userId: PRINCIPAL.userId,
      role: 'customer',
      authMethod: 'api_key',
      missing: ['users:read'],
      route: undefined,
      resourceType: 'User',
      requestId: 'req-9',
    };
    expect(warn).toHaveBeenCalledWith({ event: 'permission.object_denied', ...payload }, 'permission.object_denied');
    expect(events.signal).toHaveBeenCalledWith(PermissionObjectDenied, payload);
  });

  it('signals a route-rule denial as permission.denied', () => {
    sut.denied({ principal: PRINCIPAL, missing: ['users:read'], route: 'UsersController.list' });

    expect(events.signal).toHaveBeenCalledWith(
      PermissionDenied,
      expect.objectContaining({ route: 'UsersController.list', missing: ['users:read'] }),
    );
  });
});
