import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';

import { AppModule } from '../app.module';
import type { Environment } from '../config';
import { configureApp } from './configure-app';

/** Builds the fully configured application without listening (main.ts listens; tests may not). */
export async function createApp(env: Environment): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(env), {
    bufferLogs: true,
    abortOnError: false,
    bodyParser: false,
  });
  configureApp(app);
  return app;
}
