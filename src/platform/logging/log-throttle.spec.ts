import { LogThrottle } from './log-throttle';

describe(LogThrottle.name, () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('lets one line through per interval, however often the failure recurs', () => {
    const sut = new LogThrottle(10_000);

    expect([sut.due(), sut.due(), sut.due()]).toEqual([true, false, false]);
    jest.advanceTimersByTime(9_999);
    expect(sut.due()).toBe(false);
    jest.advanceTimersByTime(1);
    expect(sut.due()).toBe(true);
  });

  it('reports at once again after a reset, and says whether an outage is being reported', () => {
    const sut = new LogThrottle(10_000);
    expect(sut.reporting).toBe(false);
    sut.due();
    expect(sut.reporting).toBe(true);

    sut.reset();

    expect(sut.reporting).toBe(false);
    expect(sut.due()).toBe(true);
  });
});
