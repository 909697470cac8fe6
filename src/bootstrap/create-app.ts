import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';

import { AppModule } from '../app.module';
import type { LeftOutLayers } from '../common/http/request-layers';
import type { Environment } from '../config';
import { configureApp } from './configure-app';

/**
 * Builds the fully configured application without listening (main.ts listens; tests may not).
 * `leftOut` is for the benchmark's own entry point only; production runs every layer.
 */
export async function createApp(env: Environment, leftOut?: LeftOutLayers): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(env, leftOut), {
    bufferLogs: true,
    abortOnError: false,
    bodyParser: false,
  });
  configureApp(app);
  return app;
}
