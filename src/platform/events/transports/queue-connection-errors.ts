import type { Logger } from '@nestjs/common';

import type { EventsMetrics } from '../events.metrics';

/**
 * Connection errors of one BullMQ client (the producer's queue or the worker). Without an
 * 'error' listener BullMQ prints every reconnect attempt to stderr; these are expected while
 * Redis is away (the client reconnects, events wait in the outbox or the queue), so each is
 * counted and a new kind of error is logged once. `recovered()` re-arms the log for the next outage.
 */
export class QueueConnectionErrors {
  private lastLogged?: string;

  constructor(
    private readonly client: 'producer' | 'worker',
    private readonly metrics: EventsMetrics,
    private readonly logger: Logger,
  ) {}

  report(error: Error): void {
    this.metrics.queueConnectionErrors.inc({ client: this.client });
    if (error.message === this.lastLogged) return;
    this.lastLogged = error.message;
    this.logger.warn({ err: error.message }, `Queue ${this.client} lost its Redis connection; it keeps retrying`);
  }

  /** A command went through: the connection is back. */
  recovered(): void {
    this.lastLogged = undefined;
  }
}
