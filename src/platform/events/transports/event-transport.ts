import type { DomainEvent } from '../domain-event';

/**
 * How events reach their handlers. `deliver` resolves once the transport has taken
 * responsibility for every (event, handler) pair — in process: all of them settled (handled or
 * dead-lettered); through a queue: all of them enqueued — after which the outbox rows are marked
 * dispatched. A rejection leaves them pending for the outbox poller.
 */
export interface EventTransport {
  readonly name: string;
  /**
   * `firstDelivery`: the publisher hands over events it has just committed (not the poller
   * redelivering rows left pending); the first run of each (event, handler) pair is then the very
   * first delivery of the event to that handler (HandlerRunner.deliver).
   */
  deliver(events: readonly DomainEvent[], firstDelivery?: boolean): Promise<void>;
  /** Resolves when the deliveries in flight have settled (graceful shutdown). */
  drain(): Promise<void>;
  /** Jobs the transport holds, by state (a queue's waiting, active, delayed, failed); none in process. */
  backlog(): Promise<Record<string, number>>;
}

export const EVENT_TRANSPORT = Symbol('EVENT_TRANSPORT');
