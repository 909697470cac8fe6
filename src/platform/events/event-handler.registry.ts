import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';

import type { DomainEvent } from './domain-event';
import { DOMAIN_EVENT_HANDLER, type HandlerMetadata, type HandlerOptions } from './on-domain-event.decorator';

/** One registered handler: `id` is stable across replicas and restarts (`Class.method`). */
export interface RegisteredHandler {
  readonly id: string;
  readonly eventName: string;
  readonly options: HandlerOptions<unknown>;
  invoke(event: DomainEvent): Promise<void>;
}

/** Finds every @OnDomainEvent method of every provider when the application starts. */
@Injectable()
export class EventHandlerRegistry implements OnModuleInit {
  private readonly logger = new Logger(EventHandlerRegistry.name);
  private readonly byEvent = new Map<string, RegisteredHandler[]>();
  private readonly byId = new Map<string, RegisteredHandler>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || wrapper.isNotMetatype) continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(prototype)) this.register(instance, method);
    }
    this.logger.debug({ handlers: [...this.byId.keys()] }, `Registered ${this.byId.size} event handler(s)`);
  }

  handlersFor(eventName: string): readonly RegisteredHandler[] {
    return this.byEvent.get(eventName) ?? [];
  }

  get(id: string): RegisteredHandler | undefined {
    return this.byId.get(id);
  }

  private register(instance: Record<string, unknown>, method: string): void {
    const fn = instance[method];
    if (typeof fn !== 'function') return;
    const metadata = this.reflector.get<HandlerMetadata | undefined>(DOMAIN_EVENT_HANDLER, fn);
    if (!metadata) return;
    const id = `${instance.constructor.name}.${method}`;
    const handler: RegisteredHandler = {
      id,
      eventName: metadata.eventName,
      options: metadata.options,
      invoke: (event) => (fn as (event: DomainEvent) => Promise<void>).call(instance, event),
    };
    this.byId.set(id, handler);
    this.byEvent.set(metadata.eventName, [...this.handlersFor(metadata.eventName), handler]);
  }
}
