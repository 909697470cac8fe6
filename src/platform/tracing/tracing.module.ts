import { type DynamicModule, Global, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';

import { RouteSpanInterceptor } from './route-span.interceptor';
import { stopTracing } from './tracing';

@Injectable()
class TracingShutdown implements OnApplicationShutdown {
  async onApplicationShutdown(): Promise<void> {
    await stopTracing();
  }
}

/**
 * Route names on server spans, and a flush of the spans still buffered at shutdown. Without
 * tracing there are no spans to name, so the interceptor is not registered at all: an
 * interceptor that only passes through still costs every request an rxjs pipeline.
 */
@Global()
@Module({})
export class TracingModule {
  static forRoot(tracing: boolean): DynamicModule {
    return {
      module: TracingModule,
      providers: [TracingShutdown, ...(tracing ? [{ provide: APP_INTERCEPTOR, useClass: RouteSpanInterceptor }] : [])],
    };
  }
}
