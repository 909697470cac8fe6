import { Global, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';

import { RouteSpanInterceptor } from './route-span.interceptor';
import { stopTracing } from './tracing';

@Injectable()
class TracingShutdown implements OnApplicationShutdown {
  async onApplicationShutdown(): Promise<void> {
    await stopTracing();
  }
}

/** Route names on server spans, and a flush of the spans still buffered at shutdown. */
@Global()
@Module({ providers: [TracingShutdown, { provide: APP_INTERCEPTOR, useClass: RouteSpanInterceptor }] })
export class TracingModule {}
