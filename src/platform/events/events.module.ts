import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Global, Module, type Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';

import type { Environment } from '../../config';
import { BacklogMetrics } from './backlog.metrics';
import { bullConnectionOptions } from './bullmq-connection';
import { DeadLetterEvent } from './dead-letter-event.entity';
import { EventBus } from './event-bus.service';
import { EventDeliveriesRepository } from './event-deliveries.repository';
import { EventHandlerRegistry } from './event-handler.registry';
import { EventsMetrics } from './events.metrics';
import { HandlerRunner } from './handler-runner';
import { OutboxDispatcher } from './outbox.dispatcher';
import { OutboxRepository } from './outbox.repository';
import { OutboxEvent } from './outbox-event.entity';
import { ProcessedEvent } from './processed-event.entity';
import { SignalMetrics } from './signal.metrics';
import { BullMqTransport, DOMAIN_EVENTS_QUEUE } from './transports/bullmq.transport';
import { DomainEventsProcessor, WORKER_CONNECTION } from './transports/domain-events.processor';
import { EVENT_TRANSPORT } from './transports/event-transport';
import { InProcessTransport } from './transports/in-process.transport';

/**
 * Domain events with a transactional outbox. The transport follows the environment: a durable
 * BullMQ queue when REDIS_URL is set (workers in every replica whose APP_ROLE is worker or all),
 * in-process delivery otherwise. Slices publish with EventBus and subscribe with @OnDomainEvent.
 */
@Global()
@Module({})
export class EventsModule {
  static forRoot(env: Environment): DynamicModule {
    const transport = env.REDIS_URL ? queueTransport(env.REDIS_URL, env) : inProcessTransport();
    return {
      module: EventsModule,
      imports: [
        DiscoveryModule,
        TypeOrmModule.forFeature([OutboxEvent, ProcessedEvent, DeadLetterEvent]),
        ...transport.imports,
      ],
      providers: [
        EventsMetrics,
        SignalMetrics,
        BacklogMetrics,
        EventHandlerRegistry,
        OutboxRepository,
        EventDeliveriesRepository,
        HandlerRunner,
        OutboxDispatcher,
        EventBus,
        ...transport.providers,
      ],
      exports: [EventBus, EventDeliveriesRepository, OutboxDispatcher],
    };
  }
}

interface TransportWiring {
  readonly imports: DynamicModule[];
  readonly providers: Provider[];
}

function inProcessTransport(): TransportWiring {
  return {
    imports: [],
    providers: [InProcessTransport, { provide: EVENT_TRANSPORT, useExisting: InProcessTransport }],
  };
}

function queueTransport(url: string, env: Environment): TransportWiring {
  const runsWorker = env.APP_ROLE !== 'api';
  return {
    imports: [
      BullModule.forRoot({ connection: bullConnectionOptions(url, 'producer'), prefix: `${env.REDIS_KEY_PREFIX}bull` }),
      BullModule.forRoot(WORKER_CONNECTION, {
        connection: bullConnectionOptions(url, 'worker'),
        prefix: `${env.REDIS_KEY_PREFIX}bull`,
      }),
      BullModule.registerQueue({ name: DOMAIN_EVENTS_QUEUE }),
    ],
    providers: [
      BullMqTransport,
      { provide: EVENT_TRANSPORT, useExisting: BullMqTransport },
      ...(runsWorker ? [DomainEventsProcessor] : []),
    ],
  };
}
