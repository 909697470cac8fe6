import { InvalidStateException } from '../common/errors';
import { OrderStateMachine, type OrderTransition } from './order-state-machine';
import { ORDER_STATUSES, OrderStatus } from './order-status';

const { Pending, Completed, PaymentFailed, Cancelled } = OrderStatus;

/** The whole table of api.md, written out: every (status, transition) pair not listed is illegal. */
const LEGAL: ReadonlyArray<[OrderStatus, OrderTransition, OrderStatus]> = [
  [Pending, 'complete', Completed],
  [Pending, 'fail_payment', PaymentFailed],
  [Pending, 'cancel', Cancelled],
  [PaymentFailed, 'cancel', Cancelled],
];
const TRANSITIONS: readonly OrderTransition[] = ['complete', 'fail_payment', 'cancel'];

const ILLEGAL = ORDER_STATUSES.flatMap((status) =>
  TRANSITIONS.filter((transition) => !LEGAL.some(([from, t]) => from === status && t === transition)).map(
    (transition) => [status, transition] as const,
  ),
);

describe('OrderStateMachine', () => {
  it.each(LEGAL)('%s --%s--> %s', (from, transition, to) => {
    expect(OrderStateMachine.canApply(from, transition)).toBe(true);
    expect(OrderStateMachine.apply(from, transition)).toBe(to);
  });

  it('refuses the other eight pairs', () => {
    expect(ILLEGAL).toHaveLength(ORDER_STATUSES.length * TRANSITIONS.length - LEGAL.length);
    expect(ILLEGAL).toHaveLength(8);
  });

  it.each(ILLEGAL)('refuses %s --%s--> with INVALID_STATE naming both', (from, transition) => {
    expect(OrderStateMachine.canApply(from, transition)).toBe(false);
    expect(() => OrderStateMachine.apply(from, transition)).toThrow(InvalidStateException);
    try {
      OrderStateMachine.apply(from, transition);
    } catch (error) {
      expect(error).toMatchObject({
        code: 'INVALID_STATE',
        details: { resourceType: 'Order', currentState: from, attempted: transition.replace('_', ' ') },
      });
    }
  });

  it('treats every status but pending as final', () => {
    expect(ORDER_STATUSES.filter((status) => OrderStateMachine.isFinal(status))).toEqual([
      Completed,
      PaymentFailed,
      Cancelled,
    ]);
  });

  it('leaves no way out of completed or cancelled', () => {
    for (const status of [Completed, Cancelled]) {
      expect(TRANSITIONS.filter((transition) => OrderStateMachine.canApply(status, transition))).toEqual([]);
    }
  });
});

describe('OrderStateMachine.judge (a payment outcome against the stored status)', () => {
  it.each([
    [Pending, 'succeeded', 'apply'],
    [Completed, 'succeeded', 'repeat'],
    [Cancelled, 'succeeded', 'late'],
    [PaymentFailed, 'succeeded', 'contradiction'],
    [Pending, 'failed', 'apply'],
    [PaymentFailed, 'failed', 'repeat'],
    [Cancelled, 'failed', 'late'],
    [Completed, 'failed', 'contradiction'],
  ] as const)('%s + %s → %s', (status, outcome, verdict) => {
    expect(OrderStateMachine.judge(status, outcome)).toBe(verdict);
  });

  it('applies an outcome only to a pending order, the one status a transition leaves from for both', () => {
    for (const status of ORDER_STATUSES) {
      expect(OrderStateMachine.judge(status, 'succeeded') === 'apply').toBe(
        OrderStateMachine.canApply(status, 'complete'),
      );
      expect(OrderStateMachine.judge(status, 'failed') === 'apply').toBe(
        OrderStateMachine.canApply(status, 'fail_payment'),
      );
    }
  });
});
