import { SetMetadata } from '@nestjs/common';

import type { DomainEvent, EventType } from './domain-event';

export const DOMAIN_EVENT_HANDLER = 'events:handler';

export interface HandlerOptions<P> {
  /** Skip events this returns false for (e.g. only large orders). */
  readonly filter?: (event: DomainEvent<P>) => boolean;
  /**
   * Default true: the handler runs in a transaction together with the record that it has seen
   * this event, so a redelivered event changes nothing. Set false for handlers that call the
   * outside world (a payment gateway) and must not hold a transaction open; they then guard
   * against redelivery with state checks of their own.
   */
  readonly transactional?: boolean;
  /** Deliveries before the event goes to the dead-letter table (default EVENT_MAX_ATTEMPTS). */
  readonly maxAttempts?: number;
}

export interface HandlerMetadata {
  readonly eventName: string;
  readonly options: HandlerOptions<unknown>;
}

/**
 * Marks a provider method as a handler of one event type:
 *
 *   @OnDomainEvent(PaymentSucceeded)
 *   async completeOrder(event: DomainEvent<PaymentSucceededPayload>) { … }
 *
 * Handlers must be idempotent: an event can be delivered more than once.
 */
export function OnDomainEvent<P>(type: EventType<P>, options: HandlerOptions<P> = {}): MethodDecorator {
  return SetMetadata<string, HandlerMetadata>(DOMAIN_EVENT_HANDLER, {
    eventName: type.name,
    options: options as HandlerOptions<unknown>,
  });
}
