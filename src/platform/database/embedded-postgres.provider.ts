import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ModuleRef } from '@nestjs/core';
import { DataSource } from 'typeorm';

import type { AllConfig } from '../../config';
import { EmbeddedPostgres } from './embedded-postgres';

export const EMBEDDED_POSTGRES = Symbol('EMBEDDED_POSTGRES');

/** Starts the embedded Postgres when DATABASE_URL is unset; resolves to null otherwise. */
export const embeddedPostgresProvider = {
  provide: EMBEDDED_POSTGRES,
  inject: [ConfigService],
  useFactory: async (config: ConfigService<AllConfig, true>): Promise<EmbeddedPostgres | null> => {
    const database = config.getOrThrow('database', { infer: true });
    if (database.url) return null;
    const logger = new Logger('EmbeddedPostgres');
    const started = Date.now();
    const embedded = await EmbeddedPostgres.start(database.embeddedDir, database.poolSize + 2);
    // The ready block names the embedded database; the details are for debugging.
    logger.debug(
      { dataDir: database.embeddedDir, port: embedded.endpoint.port, startupMs: Date.now() - started },
      'Embedded Postgres started (set DATABASE_URL to use a real server)',
    );
    return embedded;
  },
};

/**
 * Stops the embedded server after the connection pool. Nest shuts this module down before the
 * TypeORM module that imports it, so the pool is closed here first (TypeORM skips a data source
 * that is already destroyed); otherwise its connections would be cut from under it.
 */
@Injectable()
export class EmbeddedPostgresShutdown implements OnApplicationShutdown {
  constructor(
    @Inject(EMBEDDED_POSTGRES) private readonly embedded: EmbeddedPostgres | null,
    private readonly moduleRef: ModuleRef,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    if (!this.embedded) return;
    const dataSource = this.moduleRef.get(DataSource, { strict: false });
    if (dataSource.isInitialized) await dataSource.destroy();
    await this.embedded.stop();
  }
}
