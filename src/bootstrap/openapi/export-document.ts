import { writeFileSync } from 'node:fs';

import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';

import { AppModule } from '../../app.module';
import { validateEnvironment } from '../../config';
import { API_PREFIX } from '../configure-app';
import { OPERATIONAL_ROUTES } from '../operational-routes';
import { buildOpenApiDocument } from './document';

/**
 * Writes the OpenAPI document to a file (default openapi.json) without connecting to anything:
 * Nest's preview mode resolves the module graph and reads the route metadata but instantiates
 * no provider, so neither a database nor Redis is needed. The linters and the client generator
 * read this file.
 */
async function exportDocument(target: string): Promise<void> {
  // The defaults describe the API fully; no variable changes which routes exist.
  const env = validateEnvironment({ NODE_ENV: 'development' });
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(env), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  app.setGlobalPrefix(API_PREFIX, { exclude: OPERATIONAL_ROUTES });
  writeFileSync(target, `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`);
  await app.close();
}

void exportDocument(process.argv[2] ?? 'openapi.json');
