import { createHash, randomUUID } from 'node:crypto';

import { compileFlag, evaluateFlag, type FlagRule, rolloutBucket } from './flag-evaluator';

const SAMPLE_SIZE = 10_000;
/**
 * Allowed distance between the observed and the target share, in percentage points. Over 10,000
 * users the standard deviation is at most 0.5 points (at 50%), so 2 points is four deviations:
 * a correct hash fails it about once in 16,000 runs, a biased one fails it at once.
 */
const TOLERANCE_POINTS = 2;

const flag = (overrides: Partial<FlagRule> = {}) =>
  compileFlag({ key: 'checkout.new-flow', enabled: true, percentage: 100, allowedUserIds: [], ...overrides });

const users = (count: number) => Array.from({ length: count }, () => randomUUID());

const shareOn = (rule: Partial<FlagRule>, ids: readonly string[]) => {
  const compiled = flag(rule);
  return (100 * ids.filter((id) => evaluateFlag(compiled, id)).length) / ids.length;
};

describe('evaluateFlag', () => {
  describe('determinism', () => {
    it('gives the same user the same answer every time, and from a fresh copy of the rule', () => {
      const ids = users(200);
      const first = ids.map((id) => evaluateFlag(flag({ percentage: 50 }), id));

      for (let round = 0; round < 3; round += 1) {
        expect(ids.map((id) => evaluateFlag(flag({ percentage: 50 }), id))).toEqual(first);
      }
      expect(first).toContain(true);
      expect(first).toContain(false);
    });

    it('ignores the case of the user id', () => {
      const id = randomUUID();

      expect(rolloutBucket('checkout.new-flow', id.toUpperCase())).toBe(rolloutBucket('checkout.new-flow', id));
    });

    it('is the documented function of key and id, so every replica and version computes the same bucket', () => {
      const id = randomUUID();
      const digest = createHash('sha256').update(`checkout.new-flow\u0000${id}`).digest();

      expect(rolloutBucket('checkout.new-flow', id)).toBe(digest.readUInt32BE(0) % 100);
    });
  });

  describe('percentage rollout', () => {
    const ids = users(SAMPLE_SIZE);

    it.each([10, 25, 50, 90])(`turns on about %i%% of ${SAMPLE_SIZE} random users`, (target) => {
      const observed = shareOn({ percentage: target }, ids);

      process.stdout.write(`rollout target ${target}%: observed ${observed.toFixed(2)}% of ${SAMPLE_SIZE} users\n`);
      expect(Math.abs(observed - target)).toBeLessThanOrEqual(TOLERANCE_POINTS);
    });

    it('is exact at 0% and 100%', () => {
      expect(shareOn({ percentage: 0 }, ids)).toBe(0);
      expect(shareOn({ percentage: 100 }, ids)).toBe(100);
    });

    it('only adds users when the percentage grows', () => {
      const at10 = ids.filter((id) => evaluateFlag(flag({ percentage: 10 }), id));
      const at25 = new Set(ids.filter((id) => evaluateFlag(flag({ percentage: 25 }), id)));

      expect(at10.every((id) => at25.has(id))).toBe(true);
    });

    it('chooses independent users for different flags', () => {
      const a = flag({ key: 'flag.a', percentage: 50 });
      const b = flag({ key: 'flag.b', percentage: 50 });

      const both = (100 * ids.filter((id) => evaluateFlag(a, id) && evaluateFlag(b, id)).length) / ids.length;

      // Independent halves overlap on a quarter of the users; the same halves would overlap on half.
      expect(Math.abs(both - 25)).toBeLessThanOrEqual(TOLERANCE_POINTS);
    });
  });

  describe('allow list', () => {
    it('turns the flag on for listed users whatever the percentage, and for nobody else at 0%', () => {
      const [listed, other] = users(2);
      const rule = flag({ percentage: 0, allowedUserIds: [listed.toUpperCase()] });

      expect(evaluateFlag(rule, listed)).toBe(true);
      expect(evaluateFlag(rule, other)).toBe(false);
    });
  });

  describe('disabled flag', () => {
    it('is off for everyone, allow-listed users and a 100% rollout included', () => {
      const [listed, other] = users(2);
      const rule = flag({ enabled: false, percentage: 100, allowedUserIds: [listed] });

      expect(evaluateFlag(rule, listed)).toBe(false);
      expect(evaluateFlag(rule, other)).toBe(false);
      expect(evaluateFlag(rule, undefined)).toBe(false);
    });
  });

  describe('unknown flag and anonymous callers', () => {
    it('treats a flag that does not exist as off', () => {
      expect(evaluateFlag(undefined, randomUUID())).toBe(false);
    });

    it('gives anonymous callers a flag only when it is rolled out to everyone', () => {
      expect(evaluateFlag(flag({ percentage: 100 }), undefined)).toBe(true);
      expect(evaluateFlag(flag({ percentage: 99 }), undefined)).toBe(false);
    });
  });
});
