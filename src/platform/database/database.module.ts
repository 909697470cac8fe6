import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClsPluginTransactional } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClsModule } from 'nestjs-cls';
import { DataSource, type DataSourceOptions } from 'typeorm';

import type { AllConfig } from '../../config';
import type { EmbeddedPostgres } from './embedded-postgres';
import { EmbeddedPostgresModule } from './embedded-postgres.module';
import { EMBEDDED_POSTGRES } from './embedded-postgres.provider';
import { MigrationsOnStartup } from './migrations-on-startup';
import { TransactionRunner } from './transaction-runner';
import { buildTypeOrmOptions } from './typeorm-options';

/**
 * TypeORM over `pg`, against DATABASE_URL or the embedded Postgres. The schema comes from
 * migrations only, applied at start-up under an advisory lock (never `synchronize`).
 *
 * Transactions propagate through the request context: `TransactionRunner.run()` opens one
 * (@nestjs-cls/transactional underneath), and every repository that reads `TransactionHost.tx`
 * joins it, so a change, its audit row and its outbox events commit together.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      imports: [EmbeddedPostgresModule],
      inject: [ConfigService, EMBEDDED_POSTGRES],
      useFactory: (config: ConfigService<AllConfig, true>, embedded: EmbeddedPostgres | null) =>
        buildTypeOrmOptions(config.getOrThrow('database', { infer: true }), embedded?.endpoint ?? null),
      dataSourceFactory: connect,
    }),
    ClsModule.registerPlugins([
      new ClsPluginTransactional({ adapter: new TransactionalAdapterTypeOrm({ dataSourceToken: DataSource }) }),
    ]),
  ],
  providers: [MigrationsOnStartup, TransactionRunner],
  exports: [TransactionRunner],
})
export class DatabaseModule {}

/**
 * The first connection. When it fails (after TypeORM's retries), the error names the server it
 * tried, so a failed start says which dependency is missing; the driver's error is the cause.
 */
async function connect(options?: DataSourceOptions): Promise<DataSource> {
  if (!options) throw new Error('TypeORM options missing');
  try {
    return await new DataSource(options).initialize();
  } catch (error) {
    throw new Error(`cannot connect to the database at ${serverOf(options)}`, { cause: error });
  }
}

/** Host and port only: a URL may carry a user name and password. */
function serverOf(options: DataSourceOptions): string {
  if (options.type !== 'postgres') return options.type;
  return options.url ? new URL(options.url).host : `${options.host}:${options.port}`;
}
