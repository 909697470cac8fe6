import { Injectable, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';

import type { AllConfig } from '../../config';
import { runMigrationsOnce, waitForMigrations } from './migration-runner';

/**
 * Applies pending migrations while the application initialises, before it listens or runs
 * any start-up work (seeding and the like run later, in onApplicationBootstrap). With
 * DATABASE_MIGRATIONS_RUN=false (a deployment that runs them as a separate job, see
 * `migrate.ts`) it applies nothing and waits until the job has.
 */
@Injectable()
export class MigrationsOnStartup implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: ConfigService<AllConfig, true>,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext('Migrations');
  }

  async onModuleInit(): Promise<void> {
    if (this.config.getOrThrow('database', { infer: true }).runMigrations) {
      await runMigrationsOnce(this.dataSource);
    } else {
      await waitForMigrations(this.dataSource, this.logger);
    }
  }
}
