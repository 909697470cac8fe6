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

  const priced = (priceCents: number, referencePriceCents: number | null = priceCents) => ({
    priceCents,
    referencePriceCents,
  });

  it('lets staff make small changes, keeping the reference, and leaves prices not being changed alone', () => {
    expect(sut.referenceAfter(principal(Role.Staff), priced(10_000), 11_000)).toEqual({});
    expect(sut.referenceAfter(principal(Role.Staff), priced(10_000), undefined)).toEqual({});
  });

  it('refuses staff a change of more than 20%, naming the permission it needs', () => {
    const attempt = () => sut.referenceAfter(principal(Role.Staff), priced(10_000), 12_100);

    expect(attempt).toThrow(PermissionDeniedException);
    expect(attempt).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ permission: 'products:admin' }) }),
    );
  });

  it('measures against the reference, not the current price, so steps cannot add up past 20%', () => {
    const afterOneStep = priced(11_900, 10_000);

    expect(() => sut.referenceAfter(principal(Role.Staff), afterOneStep, 14_000)).toThrow(PermissionDeniedException);
    expect(sut.referenceAfter(principal(Role.Staff), afterOneStep, 8_000)).toEqual({});
  });

  it('pins an unset reference to the price before the first change', () => {
    expect(sut.referenceAfter(principal(Role.Staff), priced(10_000, null), 11_000)).toEqual({
      referencePriceCents: 10_000,
    });
  });

  it('lets products:admin make any change, which becomes the new reference', () => {
    expect(sut.referenceAfter(principal(Role.Admin), priced(10_000), 1)).toEqual({ referencePriceCents: 1 });
  });

  it('narrows an admin API key without products:admin like any other principal', () => {
    const scoped: Principal = { ...principal(Role.Admin), method: 'api_key', scopes: [] };

    expect(() => sut.referenceAfter(scoped, priced(10_000), 50_000)).toThrow(PermissionDeniedException);
  });
});
