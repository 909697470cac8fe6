import type { TypeOrmModuleOptions } from '@nestjs/typeorm';

import type { DatabaseConfig } from '../../config';
import type { EmbeddedPostgresEndpoint } from './embedded-postgres';
import { MIGRATIONS } from './migration-list';
import { SnakeNamingStrategy } from './snake-naming.strategy';
import { TypeOrmLogger } from './typeorm-logger';

const SLOW_QUERY_MS = 500;
const EMBEDDED_CONNECTION_WAIT_MS = 60_000;

/** One set of TypeORM options for both the real and the embedded Postgres. */
export function buildTypeOrmOptions(
  config: DatabaseConfig,
  embedded: EmbeddedPostgresEndpoint | null,
): TypeOrmModuleOptions {
  const target = embedded ? { ...embedded } : { url: config.url };
  return {
    type: 'postgres',
    ...target,
    namingStrategy: new SnakeNamingStrategy(),
    autoLoadEntities: true,
    migrations: MIGRATIONS,
    migrationsRun: false,
    synchronize: false,
    installExtensions: false,
    logger: new TypeOrmLogger(),
    maxQueryExecutionTime: SLOW_QUERY_MS,
    // PGlite has one session, and its socket server interleaves the messages of concurrent
    // extended-protocol queries from different connections (electric-sql/pglite#1046: one
    // connection's Bind can land on another's Parse). One connection cannot interleave.
    poolSize: embedded ? 1 : config.poolSize,
    connectTimeoutMS: config.connectTimeoutMs,
    retryAttempts: embedded ? 0 : 5,
    retryDelay: 1000,
    extra: {
      application_name: 'commerce-api',
      statement_timeout: config.statementTimeoutMs,
      idle_in_transaction_session_timeout: config.statementTimeoutMs * 3,
      // With one embedded connection, waiting for it is queueing behind other requests, not a dead server.
      connectionTimeoutMillis: embedded ? EMBEDDED_CONNECTION_WAIT_MS : config.connectTimeoutMs,
    },
  };
}
