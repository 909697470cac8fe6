import type { ConfigService } from '@nestjs/config';

import type { AllConfig } from '../../config';
import { ShutdownCoordinator } from '../health/shutdown-coordinator';
import { MetricsRegistry } from '../metrics/metrics-registry';
import { defineEvent } from './domain-event';
import { EventsMetrics } from './events.metrics';
import { OutboxDispatcher } from './outbox.dispatcher';
import type { OutboxRepository } from './outbox.repository';
import type { EventTransport } from './transports/event-transport';

const Pinged = defineEvent<{ n: number }>('test.pinged');
const config = {
  getOrThrow: () => ({ outboxPollIntervalMs: 60_000, outboxLeaseMs: 60_000 }),
} as unknown as ConfigService<AllConfig, true>;

describe(OutboxDispatcher.name, () => {
  let registry: MetricsRegistry;
  let delivered: string[];
  let transport: EventTransport;

  beforeEach(() => {
    registry = new MetricsRegistry();
    delivered = [];
    transport = {
      name: 'recording',
      deliver: (events) => Promise.resolve(void delivered.push(...events.map((event) => event.id))),
      drain: () => Promise.resolve(),
      backlog: () => Promise.resolve({}),
    };
  });

  const dispatchFailures = async () =>
    (await registry.registry.getSingleMetric('outbox_dispatch_failures_total')?.get())?.values[0]?.value ?? 0;

  // The outbox table is the database's; here it stands in for one that may go away after the commit.
  const outbox = (markDispatched: OutboxRepository['markDispatched']) =>
    ({ markDispatched, recordFailure: () => Promise.resolve() }) as unknown as OutboxRepository;

  it('delivers the committed events (their rows were written leased to it) and marks them dispatched', async () => {
    const event = Pinged.create({ n: 1 });
    const marked: string[] = [];
    const sut = new OutboxDispatcher(
      outbox((ids) => Promise.resolve(void marked.push(...ids))),
      transport,
      new EventsMetrics(registry),
      new ShutdownCoordinator(),
      config,
    );

    await sut.dispatchCommitted([event]);

    expect(delivered).toEqual([event.id]);
    expect(marked).toEqual([event.id]);
    expect(await dispatchFailures()).toBe(0);
  });

  it('does not reject when the database is gone before the rows are marked: they stay for the poller, counted', async () => {
    const sut = new OutboxDispatcher(
      outbox(() => Promise.reject(new Error('Connection terminated unexpectedly'))),
      transport,
      new EventsMetrics(registry),
      new ShutdownCoordinator(),
      config,
    );

    await expect(sut.dispatchCommitted([Pinged.create({ n: 2 })])).resolves.toBeUndefined();
    expect(await dispatchFailures()).toBe(1);
  });
});
