import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Counter, Histogram } from 'prom-client';
import { type AfterQueryEvent, DataSource, type EntitySubscriberInterface } from 'typeorm';

import { MetricsRegistry } from './metrics-registry';

const OPERATIONS = new Set([
  'SELECT',
  'INSERT',
  'UPDATE',
  'DELETE',
  'BEGIN',
  'COMMIT',
  'ROLLBACK',
  'START',
  'SAVEPOINT',
  'RELEASE',
]);

/** Database query durations and failures by operation (SELECT, INSERT…), from TypeORM's query events. */
@Injectable()
export class QueryMetricsSubscriber implements EntitySubscriberInterface, OnModuleInit {
  private readonly duration: Histogram<'operation'>;
  private readonly errors: Counter<'operation'>;

  constructor(
    private readonly dataSource: DataSource,
    registry: MetricsRegistry,
  ) {
    this.duration = registry.histogram({
      name: 'db_query_duration_seconds',
      help: 'Database query time by operation',
      labelNames: ['operation'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    });
    this.errors = registry.counter({
      name: 'db_query_errors_total',
      help: 'Failed database queries by operation',
      labelNames: ['operation'],
    });
  }

  onModuleInit(): void {
    this.dataSource.subscribers.push(this);
  }

  afterQuery(event: AfterQueryEvent): void {
    const operation = operationOf(event.query);
    if (!event.success) this.errors.inc({ operation });
    if (event.executionTime !== undefined) this.duration.observe({ operation }, event.executionTime / 1000);
  }
}

function operationOf(query: string): string {
  const keyword = /^\s*(\w+)/.exec(query)?.[1]?.toUpperCase() ?? 'OTHER';
  return OPERATIONS.has(keyword) ? keyword : 'OTHER';
}
