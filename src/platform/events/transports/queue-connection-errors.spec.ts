import { Logger } from '@nestjs/common';

import { MetricsRegistry } from '../../metrics/metrics-registry';
import { EventsMetrics } from '../events.metrics';
import { QueueConnectionErrors } from './queue-connection-errors';

describe(QueueConnectionErrors.name, () => {
  let registry: MetricsRegistry;
  let warn: jest.SpyInstance;
  let sut: QueueConnectionErrors;

  beforeEach(() => {
    registry = new MetricsRegistry();
    const logger = new Logger('test');
    warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    sut = new QueueConnectionErrors('worker', new EventsMetrics(registry), logger);
  });

  const counted = async () =>
    (await registry.registry.getSingleMetric('events_queue_connection_errors_total')?.get())?.values ?? [];

  it('counts every error but logs a repeated one once', async () => {
    for (let attempt = 0; attempt < 5; attempt += 1) sut.report(new Error('connect ECONNREFUSED 127.0.0.1:6379'));

    expect(await counted()).toEqual([expect.objectContaining({ labels: { client: 'worker' }, value: 5 })]);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('logs a new kind of error, and the same error again after a recovery', () => {
    sut.report(new Error('connect ECONNREFUSED'));
    sut.report(new Error('read ECONNRESET'));
    sut.recovered();
    sut.report(new Error('read ECONNRESET'));

    expect(warn).toHaveBeenCalledTimes(3);
  });
});
