import { randomUUID } from 'node:crypto';

/** Who and what caused an event, carried to every handler (and into their log lines). */
export interface EventContext {
  readonly requestId?: string;
  readonly userId?: string;
  /** W3C trace context of the publishing request, so a saga stays one trace. */
  readonly traceparent?: string;
}

/** A fact that happened, as handlers receive it. */
export interface DomainEvent<P = unknown> {
  readonly id: string;
  readonly name: string;
  readonly payload: P;
  readonly context: EventContext;
  readonly occurredAt: string;
}

/** A kind of event and the shape of its payload: `export const OrderCreated = defineEvent<OrderCreatedPayload>('order.created')`. */
export interface EventType<P> {
  readonly name: string;
  create(payload: P, context?: EventContext): DomainEvent<P>;
}

export function defineEvent<P>(name: string): EventType<P> {
  return {
    name,
    create: (payload, context = {}) => ({
      id: randomUUID(),
      name,
      payload,
      context,
      occurredAt: new Date().toISOString(),
    }),
  };
}
