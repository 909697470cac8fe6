import { setTimeout as sleep } from 'node:timers/promises';

import { ShutdownCoordinator } from './shutdown-coordinator';

describe(ShutdownCoordinator.name, () => {
  let sut: ShutdownCoordinator;

  beforeEach(() => {
    sut = new ShutdownCoordinator();
  });

  it('is not shutting down until told to', () => {
    expect(sut.isShuttingDown).toBe(false);
  });

  it('reports shutting down at once, before the consumers have finished', async () => {
    let finish!: () => void;
    sut.registerIntake('worker', () => new Promise<void>((resolve) => (finish = resolve)));

    const stopped = sut.beginShutdown();

    expect(sut.isShuttingDown).toBe(true);
    finish();
    await stopped;
  });

  it('resolves only when every consumer has finished its current work', async () => {
    const finished: string[] = [];
    sut.registerIntake('fast', async () => void finished.push('fast'));
    sut.registerIntake('slow', async () => {
      await sleep(20);
      finished.push('slow');
    });

    await sut.beginShutdown();

    expect(finished.sort()).toEqual(['fast', 'slow']);
  });

  it('stops each consumer once, however often shutdown is asked for', async () => {
    const stop = jest.fn(() => Promise.resolve());
    sut.registerIntake('worker', stop);

    await Promise.all([sut.beginShutdown(), sut.beginShutdown()]);
    await sut.beginShutdown();

    expect(stop).toHaveBeenCalledTimes(1);
  });

  it('lets the rest of the shutdown go on when a consumer fails to stop', async () => {
    const other = jest.fn(() => Promise.resolve());
    sut.registerIntake('broken', () => Promise.reject(new Error('connection lost')));
    sut.registerIntake('other', other);

    await expect(sut.beginShutdown()).resolves.toBeUndefined();
    expect(other).toHaveBeenCalled();
  });
});
