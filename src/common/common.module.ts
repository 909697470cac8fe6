import { Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import type { Request } from 'express';
import { ClsModule } from 'nestjs-cls';

import { AccessMetrics } from './access/access.metrics';
import { AccessControlService } from './access/access-control.service';
import { AccessDecisionRecorder } from './access/access-decision.recorder';
import { RequestContextService } from './context/request-context.service';
import { AllExceptionsFilter } from './filters/all-exceptions.filter';
import { RoutePolicies } from './http/route-policy';
import { ResponseInterceptor } from './interceptors/response.interceptor';
import { PaginationModule } from './pagination/pagination.module';
import { AppValidationPipe } from './validation/app-validation.pipe';

/**
 * What every request passes through, registered once as global providers: the request context,
 * validation, the error filter, each route's policy and the response interceptor (Cache-Control,
 * time budget, conditional GET, envelope). (The authentication guard is
 * registered by the auth slice, which provides what it calls.)
 */
@Global()
@Module({
  imports: [
    ClsModule.forRoot({
      global: true,
      middleware: {
        mount: true,
        generateId: true,
        // assignRequestId (the first middleware) has already fixed the id.
        idGenerator: (req: Request) => (req as Request & { id: string }).id,
        setup: (cls, req: Request) => {
          cls.set('requestId', (req as Request & { id: string }).id);
          cls.set('ip', req.ip);
        },
      },
    }),
    PaginationModule,
  ],
  providers: [
    RequestContextService,
    AccessMetrics,
    AccessDecisionRecorder,
    AccessControlService,
    { provide: APP_PIPE, useClass: AppValidationPipe },
    { provide: APP_FILTER, useClass: AllExceptionsFilter },
    RoutePolicies,
    { provide: APP_INTERCEPTOR, useClass: ResponseInterceptor },
  ],
  exports: [RequestContextService, AccessControlService, AccessDecisionRecorder, RoutePolicies],
})
export class CommonModule {}
