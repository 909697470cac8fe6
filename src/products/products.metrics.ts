import { Injectable } from '@nestjs/common';
import type { Counter } from 'prom-client';

import { MetricsRegistry } from '../platform/metrics/metrics-registry';

/** Product business metrics: how often stock changes were refused (demand the shelves could not meet). */
@Injectable()
export class ProductsMetrics {
  readonly stockRejections: Counter<'operation'>;

  constructor(registry: MetricsRegistry) {
    this.stockRejections = registry.counter({
      name: 'product_stock_rejections_total',
      help: 'Stock changes refused because stock would have gone below zero',
      labelNames: ['operation'],
    });
  }
}
