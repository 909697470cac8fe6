import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';

import { AppModule } from '../app.module';
import type { LeftOutLayers } from '../common/http/request-layers';
import type { Environment } from '../config';
import { configureApp } from './configure-app';

/**
 * Builds the fully configured application without listening (main.ts listens; tests may not).
 * `leftOut` is for the benchmark's own entry point only; production runs every layer.
 *
 * Nest's lines are held back until the app's own logger takes over (configureApp flushes them
 * there, at debug). When building fails they are never printed: Nest would otherwise flush them
 * through its default console logger (module wiring, each connection retry with its stack, the
 * error once more), and the error itself reaches the caller, which says why in one line.
 */
export async function createApp(env: Environment, leftOut?: LeftOutLayers): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(env, leftOut), {
    bufferLogs: true,
    autoFlushLogs: false,
    abortOnError: false,
    bodyParser: false,
  });
  configureApp(app);
  return app;
}
