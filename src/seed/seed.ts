import { NestFactory } from '@nestjs/core';

import { AppModule } from '../app.module';
import { runCommand } from '../bootstrap/command-line';
import { loadEnvironmentOrExit } from '../bootstrap/load-environment';
import { DemoDataSeeder, describeSeedReport } from './demo-data.seeder';

/** `npm run seed`: creates the demo data in the configured database (idempotent) and says what it did. */
async function seed(): Promise<void> {
  const env = loadEnvironmentOrExit();
  const app = await NestFactory.createApplicationContext(AppModule.forRoot({ ...env, SEED_DEMO_DATA: false }), {
    abortOnError: false,
    // Module wiring, per-record lines and connection retries are noise here: the command prints
    // its own summary, or on failure the one line of runCommand.
    logger: false,
  });
  try {
    const report = await app.get(DemoDataSeeder).seed();
    process.stdout.write(
      `${describeSeedReport(report)} (${env.DATABASE_URL ? 'DATABASE_URL' : `embedded database in ${env.EMBEDDED_DB_DIR}`})\n`,
    );
  } finally {
    await app.close();
  }
}

runCommand('Seed', seed);
