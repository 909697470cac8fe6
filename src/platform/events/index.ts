export * from './domain-event';
export * from './event-bus.service';
export * from './event-deliveries.repository';
export * from './events.module';
export * from './on-domain-event.decorator';
export * from './outbox.dispatcher';
