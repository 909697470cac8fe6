import { NestFactory } from '@nestjs/core';

import { AppModule } from '../app.module';
import { loadEnvironmentOrExit } from '../bootstrap/load-environment';
import { DemoDataSeeder } from './demo-data.seeder';

/** `npm run seed`: creates the demo data in the configured database (idempotent). */
async function seed(): Promise<void> {
  const env = loadEnvironmentOrExit();
  const app = await NestFactory.createApplicationContext(AppModule.forRoot({ ...env, SEED_DEMO_DATA: false }), {
    abortOnError: false,
  });
  await app.get(DemoDataSeeder).seed();
  await app.close();
}

void seed();
