import { Controller, Get, Header, Headers, Res } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';

import { Public, RawResponse } from '../../common/decorators';
import { AuthenticationException } from '../../common/errors';
import type { AppConfig } from '../../config';
import { NoRateLimit } from '../rate-limit/rate-limit.decorators';
import { StaticBearerToken } from '../security/static-bearer-token';
import { MetricsRegistry } from './metrics-registry';

/**
 * Prometheus scrape endpoint, outside /api/v1. METRICS_BEARER_TOKEN guards it; without one it is
 * open, which production allows only with METRICS_PUBLIC=true (validate-environment.ts).
 */
@ApiExcludeController()
@Public()
@NoRateLimit()
@RawResponse()
@Controller('metrics')
export class MetricsController {
  private readonly token: StaticBearerToken | undefined;

  constructor(
    private readonly metrics: MetricsRegistry,
    config: ConfigService<{ app: AppConfig }, true>,
  ) {
    const token = config.getOrThrow('app', { infer: true }).metricsBearerToken;
    this.token = token === undefined ? undefined : new StaticBearerToken(token);
  }

  @Get()
  @Header('Cache-Control', 'no-store')
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() response: Response): Promise<void> {
    if (this.token && !this.token.isPresentedIn(authorization)) throw new AuthenticationException('metrics_token');
    response.type(this.metrics.contentType).send(await this.metrics.render());
  }
}
