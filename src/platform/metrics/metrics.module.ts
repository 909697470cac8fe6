import { Global, Module } from '@nestjs/common';

import { HttpMetrics } from './http.metrics';
import { MetricsController } from './metrics.controller';
import { MetricsRegistry } from './metrics-registry';
import { QueryMetricsSubscriber } from './query-metrics.subscriber';

@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsRegistry, HttpMetrics, QueryMetricsSubscriber],
  exports: [MetricsRegistry, HttpMetrics],
})
export class MetricsModule {}
