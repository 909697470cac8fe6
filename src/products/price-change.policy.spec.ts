import { Test } from '@nestjs/testing';

import { AccessControlService } from '../common/access/access-control.service';
import { AccessDecisionRecorder } from '../common/access/access-decision.recorder';
import type { Principal } from '../common/access/principal';
import { Role } from '../common/access/roles';
import { PermissionDeniedException } from '../common/errors';
import { isLargePriceChange, PriceChangePolicy } from './price-change.policy';

const principal = (role: Role): Principal => ({ userId: 'u-1', role, method: 'access_token', credentialId: 'c-1' });

describe(PriceChangePolicy.name, () => {
  let sut: PriceChangePolicy;

  beforeEach(async () => {
    const moduleRef = await Test.createTestingModule({
      providers: [
        PriceChangePolicy,
        AccessControlService,
        { provide: AccessDecisionRecorder, useValue: { allowed: jest.fn(), denied: jest.fn() } },
      ],
    }).compile();
    sut = moduleRef.get(PriceChangePolicy);
  });

  it.each([
    [10_000, 12_000, false, 'exactly +20%'],
    [10_000, 8_000, false, 'exactly -20%'],
    [10_000, 11_900, false, '+19%'],
    [10_000, 12_001, true, 'just over +20%'],
    [10_000, 7_999, true, 'just over -20%'],
    [10_000, 0, true, 'to free'],
    [0, 1, true, 'from free'],
    [0, 0, false, 'free to free'],
    [5, 6, false, '+20% of a tiny price'],
    [5, 7, true, '+40% of a tiny price'],
  ])('isLargePriceChange(%i → %i) is %s (%s)', (current, next, expected) => {
    expect(isLargePriceChange(current, next)).toBe(expected);
  });

  it('lets staff make small changes and leaves prices that are not being changed alone', () => {
    expect(() => sut.ensureAllowed(principal(Role.Staff), 10_000, 11_000)).not.toThrow();
    expect(() => sut.ensureAllowed(principal(Role.Staff), 10_000, undefined)).not.toThrow();
  });

  it('refuses staff a change of more than 20%, naming the permission it needs', () => {
    const attempt = () => sut.ensureAllowed(principal(Role.Staff), 10_000, 12_100);

    expect(attempt).toThrow(PermissionDeniedException);
    expect(attempt).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ permission: 'products:admin' }) }),
    );
  });

  it('lets products:admin make any change', () => {
    expect(() => sut.ensureAllowed(principal(Role.Admin), 10_000, 1)).not.toThrow();
  });

  it('narrows an admin API key without products:admin like any other principal', () => {
    const scoped: Principal = { ...principal(Role.Admin), method: 'api_key', scopes: [] };

    expect(() => sut.ensureAllowed(scoped, 10_000, 50_000)).toThrow(PermissionDeniedException);
  });
});
