import { createHash, timingSafeEqual } from 'node:crypto';

import { Controller, Get, Header, Headers, Res } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';

import { Public, RawResponse } from '../../common/decorators';
import { AuthenticationException } from '../../common/errors';
import type { AppConfig } from '../../config';
import { NoRateLimit } from '../rate-limit/rate-limit.decorators';
import { MetricsRegistry } from './metrics-registry';

/**
 * Prometheus scrape endpoint, outside /api/v1. Open by default (inside the cluster network
 * policy); METRICS_BEARER_TOKEN guards it when scrapes cross a network boundary.
 */
@ApiExcludeController()
@Public()
@NoRateLimit()
@RawResponse()
@Controller('metrics')
export class MetricsController {
  private readonly tokenDigest: Buffer | undefined;

  constructor(
    private readonly metrics: MetricsRegistry,
    config: ConfigService<{ app: AppConfig }, true>,
  ) {
    const token = config.getOrThrow('app', { infer: true }).metricsBearerToken;
    this.tokenDigest = token === undefined ? undefined : digest(token);
  }

  @Get()
  @Header('Cache-Control', 'no-store')
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() response: Response): Promise<void> {
    if (this.tokenDigest && !this.isScraper(authorization)) throw new AuthenticationException('metrics_token');
    response.type(this.metrics.contentType).send(await this.metrics.render());
  }

  /** Compares digests, not strings: equal length, constant time, whatever was sent. */
  private isScraper(authorization: string | undefined): boolean {
    const presented = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1];
    return presented !== undefined && timingSafeEqual(digest(presented), this.tokenDigest as Buffer);
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
