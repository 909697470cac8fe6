import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';

import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { CommonModule } from './common/common.module';
import { AuthenticationGuard } from './common/guards/authentication.guard';
import { CsrfGuard } from './common/guards/csrf.guard';
import { PermissionsGuard } from './common/guards/permissions.guard';
import { ALL_LAYERS_ON, type LeftOutLayers, RequestLayersModule } from './common/http/request-layers';
import { configModule, Environment } from './config';
import { FeatureFlagsModule } from './feature-flags/feature-flags.module';
import { OrdersModule } from './orders/orders.module';
import { CacheModule } from './platform/cache';
import { DatabaseModule } from './platform/database';
import { EventsModule } from './platform/events';
import { HealthModule } from './platform/health';
import { LoggingModule } from './platform/logging';
import { MetricsModule } from './platform/metrics';
import { AppThrottlerGuard, RateLimitModule } from './platform/rate-limit';
import { RedisModule } from './platform/redis';
import { SecurityModule } from './platform/security';
import { TracingModule } from './platform/tracing';
import { ProductsModule } from './products/products.module';
import { SeedModule } from './seed/seed.module';
import { UsersModule } from './users/users.module';

/**
 * The feature slices are listed in @Module (where `nest g` adds new ones); the platform modules,
 * which need the validated environment, are added by forRoot().
 */
@Module({
  imports: [UsersModule, AuthModule, AuditModule, FeatureFlagsModule, ProductsModule, OrdersModule],
})
export class AppModule {
  /** `leftOut`: request-path layers the benchmark measures without (decision 0032); none otherwise. */
  static forRoot(env: Environment, leftOut: LeftOutLayers = ALL_LAYERS_ON): DynamicModule {
    return {
      module: AppModule,
      imports: [
        configModule(env),
        RequestLayersModule.forRoot(leftOut),
        LoggingModule,
        TracingModule.forRoot(Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT)),
        CommonModule,
        MetricsModule,
        DatabaseModule,
        RedisModule,
        CacheModule,
        EventsModule.forRoot(env),
        SecurityModule,
        RateLimitModule,
        HealthModule,
        SeedModule,
      ],
      providers: [
        // Global guards run in this order: who the caller is, whether a cookie-authenticated request
        // proves it was meant (CSRF), how often they may call, what they may do.
        { provide: APP_GUARD, useClass: AuthenticationGuard },
        { provide: APP_GUARD, useClass: CsrfGuard },
        { provide: APP_GUARD, useClass: AppThrottlerGuard },
        { provide: APP_GUARD, useClass: PermissionsGuard },
      ],
    };
  }
}
