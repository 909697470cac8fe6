import { Logger as NestLogger } from '@nestjs/common';
import type { Logger as TypeOrmLoggerInterface, QueryRunner } from 'typeorm';

/**
 * Routes TypeORM's own messages into the application log. Query text is logged only for slow
 * queries and failures, with parameters left out: they can hold personal data.
 */
export class TypeOrmLogger implements TypeOrmLoggerInterface {
  private readonly logger = new NestLogger('Database');

  logQuery(): void {
    // Every query at debug would drown the log; durations are in the metrics instead.
  }

  logQueryError(error: string | Error, query: string, _parameters?: unknown[], _runner?: QueryRunner): void {
    this.logger.warn({ query: truncate(query), err: error instanceof Error ? error.message : error }, 'Query failed');
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn({ query: truncate(query), durationMs: time }, 'Slow query');
  }

  logSchemaBuild(message: string): void {
    this.logger.debug(message);
  }

  logMigration(message: string): void {
    this.logger.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(message);
    else this.logger.debug(message);
  }
}

function truncate(query: string): string {
  return query.length > 500 ? `${query.slice(0, 500)}…` : query;
}
