/**
 * B0: the framework's own ceiling for B1. A plain NestJS app on the same Nest version and the same
 * Express adapter as the application, with one controller doing the same Redis GET as the bare
 * baseline and nothing else: no middleware, guards, interceptors, pipes or logging. The gap between
 * B0 and the bare server is NestJS + Express; the gap between the application and B0 is the
 * application's own layers.
 */
import 'reflect-metadata';

import { readFileSync } from 'node:fs';

import { Controller, Get, Header, Module, NotFoundException, type OnApplicationShutdown } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Redis } from 'ioredis';

import { requireEnv } from './bare-server';

const key = requireEnv('BARE_KEY');
const redisUrl = process.env.REDIS_URL;
const redis = redisUrl ? new Redis(redisUrl, { enableAutoPipelining: false }) : null;
const inMemory = redis ? undefined : readFileSync(requireEnv('BARE_BODY_FILE'), 'utf8');

@Controller()
class CachedReadController implements OnApplicationShutdown {
  /** The stored bytes are the application's JSON; returned as a string, Express sends them as they are. */
  @Get('api/v1/products/:id')
  @Header('Content-Type', 'application/json; charset=utf-8')
  async product(): Promise<string> {
    const body = redis ? await redis.get(key) : inMemory;
    if (body === null || body === undefined) throw new NotFoundException();
    return body;
  }

  @Get('health/ready')
  ready(): { status: string } {
    return { status: 'ok' };
  }

  async onApplicationShutdown(): Promise<void> {
    await redis?.quit();
  }
}

@Module({ controllers: [CachedReadController] })
class CachedReadModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(CachedReadModule, { logger: false });
  app.enableShutdownHooks(['SIGTERM']);
  await app.listen(Number(requireEnv('PORT')), '127.0.0.1');
}

void main();
