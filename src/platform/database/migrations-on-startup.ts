import { Injectable, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DataSource } from 'typeorm';

import type { AllConfig } from '../../config';
import { runMigrationsOnce } from './migration-runner';

/**
 * Applies pending migrations while the application initialises, before it listens or runs
 * any start-up work (seeding and the like run later, in onApplicationBootstrap). Turned off
 * with DATABASE_MIGRATIONS_RUN=false when a deployment runs them as a separate job.
 */
@Injectable()
export class MigrationsOnStartup implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: ConfigService<AllConfig, true>,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.config.getOrThrow('database', { infer: true }).runMigrations) {
      await runMigrationsOnce(this.dataSource);
    }
  }
}
