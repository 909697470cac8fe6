import { randomBytes } from 'node:crypto';

import type { DynamicModule, Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { OpenAPIObject } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import { Redis } from 'ioredis';
import type supertest from 'supertest';
import { DataSource } from 'typeorm';

import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/bootstrap/configure-app';
import { buildOpenApiDocument } from '../../src/bootstrap/openapi/document';
import { type Environment, NodeEnvironment, validateEnvironment } from '../../src/config';
import { LOG_DESTINATION } from '../../src/platform/logging/logging.module';
import { checkedAgent } from './contract/checked-agent';
import { contractFor } from './contract/contract-registry';
import type { OpenApiContract } from './contract/openapi-contract';
import type { LogCapture } from './log-capture';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface TestAppOptions {
  /** Environment variables on top of the test defaults. */
  readonly env?: Record<string, string>;
  /** Receives the JSON log lines (LOG_LEVEL defaults to debug when set, silent otherwise). */
  readonly logs?: LogCapture;
  /** Extra modules, e.g. a controller that exists only to exercise a failure path. */
  readonly imports?: Array<Type<unknown> | DynamicModule>;
}

export interface TestApp {
  readonly app: NestExpressApplication;
  readonly env: Environment;
  readonly dataSource: DataSource;
  /** A supertest agent bound to the app's HTTP server; every answer is checked against the OpenAPI document. */
  http(): supertest.Agent;
  /** The app's OpenAPI document, compiled for checking exchanges. */
  readonly contract: OpenApiContract;
  close(): Promise<void>;
}

/**
 * Boots the real application (same modules, same middleware as main.ts) against a database of
 * its own and a Redis key prefix of its own, so test files never see each other's data.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const redisPrefix = `test:${randomBytes(4).toString('hex')}:`;
  const env = validateEnvironment({
    NODE_ENV: NodeEnvironment.Test,
    LOG_LEVEL: options.logs ? 'debug' : 'silent',
    LOG_FORMAT: 'json',
    SEED_DEMO_DATA: 'false',
    // Limits on, but out of reach of ordinary suites; rate-limit suites set their own.
    RATE_LIMIT_DEFAULT_LIMIT: '1000000',
    RATE_LIMIT_ADDRESS_LIMIT: '1000000',
    RATE_LIMIT_BURST_LIMIT: '1000000',
    RATE_LIMIT_AUTH_LIMIT: '1000000',
    RATE_LIMIT_ACCOUNT_LIMIT: '1000000',
    RATE_LIMIT_ACCOUNT_CEILING: '1000000',
    REDIS_URL: process.env.REDIS_URL,
    REDIS_KEY_PREFIX: redisPrefix,
    ...database.env,
    ...options.env,
  });
  try {
    const app = await buildApp(env, options);
    const contract = await contractFor(withoutRoutesOf(buildOpenApiDocument(app), options.imports ?? []));
    return {
      app,
      env,
      contract,
      dataSource: app.get(DataSource),
      http: () => checkedAgent(app.getHttpServer(), contract),
      close: () => closeApp(app, env, database),
    };
  } catch (error) {
    // The start-up error is what matters; cleanup is best effort (an embedded server may still hold files).
    await database.dispose().catch(() => undefined);
    throw error;
  }
}

/**
 * The document of the app itself: the routes of modules a suite adds (probes for failure paths)
 * are left out, so exchanges with them are not checked.
 */
function withoutRoutesOf(
  document: OpenAPIObject,
  imports: ReadonlyArray<Type<unknown> | DynamicModule>,
): OpenAPIObject {
  const modules = imports.map((entry) => ('module' in entry ? entry.module : entry));
  const controllers = modules.flatMap(
    (module) => (Reflect.getMetadata('controllers', module) ?? []) as Type<unknown>[],
  );
  const prefixes = controllers.map((controller) => `${controller.name}_`);
  if (prefixes.length === 0) return document;
  const paths = Object.entries(document.paths).flatMap(([path, item]) => {
    const kept = Object.fromEntries(
      Object.entries(item).filter(
        ([, operation]) =>
          !prefixes.some((prefix) => (operation as { operationId?: string }).operationId?.startsWith(prefix)),
      ),
    );
    return Object.keys(kept).length > 0 ? [[path, kept]] : [];
  });
  return { ...document, paths: Object.fromEntries(paths) as OpenAPIObject['paths'] };
}

async function buildApp(env: Environment, options: TestAppOptions): Promise<NestExpressApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(env), ...(options.imports ?? [])] })
    .overrideProvider(LOG_DESTINATION)
    .useValue(options.logs)
    .compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false, bufferLogs: true });
  configureApp(app);
  await app.init();
  return app;
}

async function closeApp(app: NestExpressApplication, env: Environment, database: TestDatabase): Promise<void> {
  await app.close();
  await Promise.all([
    database.dispose(),
    env.REDIS_URL ? deleteRedisKeys(env.REDIS_URL, env.REDIS_KEY_PREFIX) : undefined,
  ]);
}

/** Removes every key this test file wrote (all of them carry its prefix); skipped if that Redis is gone. */
async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 1000,
    retryStrategy: () => null,
  });
  try {
    const reachable = await redis.connect().then(
      () => true,
      () => false,
    );
    if (!reachable) return;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
