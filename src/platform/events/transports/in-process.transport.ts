import { setTimeout as sleep } from 'node:timers/promises';

import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';

import { backoffWithJitterMs } from '../../../common/util/backoff';
import type { AllConfig } from '../../../config';
import type { DomainEvent } from '../domain-event';
import { EventHandlerRegistry, type RegisteredHandler } from '../event-handler.registry';
import { HandlerRunner } from '../handler-runner';
import type { EventTransport } from './event-transport';

/**
 * Handlers run in this process (no Redis). Each (event, handler) pair is retried with backoff on
 * its own, so one failing handler neither blocks nor repeats the others; after the last attempt
 * the event is dead-lettered for that handler. Not durable by itself: a crash mid-way leaves the
 * outbox row pending, and the poller delivers it again after a restart.
 */
@Injectable()
export class InProcessTransport implements EventTransport {
  readonly name = 'in-process';
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly maxAttempts: number;
  private readonly retryBaseMs: number;

  constructor(
    private readonly registry: EventHandlerRegistry,
    private readonly runner: HandlerRunner,
    config: ConfigService<AllConfig, true>,
  ) {
    const events = config.getOrThrow('events', { infer: true });
    this.maxAttempts = events.maxAttempts;
    this.retryBaseMs = events.retryBaseMs;
  }

  async deliver(events: readonly DomainEvent[], firstDelivery = false): Promise<void> {
    const deliveries = events.flatMap((event) =>
      this.registry.handlersFor(event.name).map((handler) => this.deliverWithRetries(event, handler, firstDelivery)),
    );
    const all = Promise.allSettled(deliveries);
    this.inFlight.add(all);
    await all.finally(() => this.inFlight.delete(all));
  }

  async drain(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  /** Nothing waits anywhere but in the outbox: deliveries start as soon as they are dispatched. */
  backlog(): Promise<Record<string, number>> {
    return Promise.resolve({});
  }

  private async deliverWithRetries(
    event: DomainEvent,
    handler: RegisteredHandler,
    firstDelivery: boolean,
  ): Promise<void> {
    const maxAttempts = handler.options.maxAttempts ?? this.maxAttempts;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.runner.deliver(event, handler, attempt, firstDelivery && attempt === 1);
        return;
      } catch (error) {
        if (attempt >= maxAttempts) return this.runner.deadLetter(event, handler, error, attempt);
        await sleep(backoffWithJitterMs(this.retryBaseMs, attempt));
      }
    }
  }
}
