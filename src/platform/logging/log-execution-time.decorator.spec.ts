import { Logger } from '@nestjs/common';

import { LogExecutionTime } from './log-execution-time.decorator';

class ReportBuilder {
  readonly factor = 3;

  @LogExecutionTime()
  multiply(value: number): number {
    return value * this.factor;
  }

  @LogExecutionTime()
  explode(): never {
    throw new RangeError('sync failure');
  }

  @LogExecutionTime()
  async multiplyLater(value: number): Promise<number> {
    await Promise.resolve();
    return value * this.factor;
  }

  @LogExecutionTime()
  async explodeLater(): Promise<never> {
    await Promise.resolve();
    throw new RangeError('async failure');
  }

  @LogExecutionTime()
  async slow(): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, 250));
    return 'done';
  }

  @LogExecutionTime('log')
  important(): string {
    return 'ok';
  }
}

const finished = (operation: string, failed: boolean) => [
  { operation, durationMs: expect.any(Number), failed },
  `${operation} finished`,
];

describe(LogExecutionTime.name, () => {
  let sut: ReportBuilder;
  let debug: jest.SpyInstance;

  beforeEach(() => {
    debug = jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
    sut = new ReportBuilder();
  });

  afterEach(() => {
    debug.mockRestore();
    jest.useRealTimers();
  });

  it('returns the result of a sync method, with its arguments and `this`, and logs it', () => {
    expect(sut.multiply(2)).toBe(6);

    expect(debug).toHaveBeenCalledTimes(1);
    expect(debug).toHaveBeenCalledWith(...finished('ReportBuilder.multiply', false));
  });

  it('rethrows the error of a sync method and logs the failure', () => {
    expect(() => sut.explode()).toThrow(new RangeError('sync failure'));

    expect(debug).toHaveBeenCalledTimes(1);
    expect(debug).toHaveBeenCalledWith(...finished('ReportBuilder.explode', true));
  });

  it('resolves with the result of an async method and logs once it settled', async () => {
    const pending = sut.multiplyLater(5);
    expect(debug).not.toHaveBeenCalled();

    await expect(pending).resolves.toBe(15);

    expect(debug).toHaveBeenCalledTimes(1);
    expect(debug).toHaveBeenCalledWith(...finished('ReportBuilder.multiplyLater', false));
  });

  it('rejects with the error of an async method and logs the failure', async () => {
    await expect(sut.explodeLater()).rejects.toThrow(new RangeError('async failure'));

    expect(debug).toHaveBeenCalledTimes(1);
    expect(debug).toHaveBeenCalledWith(...finished('ReportBuilder.explodeLater', true));
  });

  it('measures the time until an async method settled', async () => {
    jest.useFakeTimers();

    const pending = sut.slow();
    await jest.advanceTimersByTimeAsync(250);

    await expect(pending).resolves.toBe('done');
    const [fields] = debug.mock.calls[0] as [{ durationMs: number }];
    expect(fields.durationMs).toBeGreaterThanOrEqual(250);
    expect(fields.durationMs).toBeLessThan(300);
  });

  it('logs at the requested level', () => {
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    try {
      expect(sut.important()).toBe('ok');

      expect(log).toHaveBeenCalledWith(...finished('ReportBuilder.important', false));
      expect(debug).not.toHaveBeenCalled();
    } finally {
      log.mockRestore();
    }
  });
});
