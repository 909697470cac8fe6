import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';

import { Public, RawResponse } from '../../common/decorators';
import { NoRateLimit } from '../rate-limit/rate-limit.decorators';
import { MetricsRegistry } from './metrics-registry';

/** Prometheus scrape endpoint, outside /api/v1. */
@ApiExcludeController()
@Public()
@NoRateLimit()
@RawResponse()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsRegistry) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  async scrape(@Res() response: Response): Promise<void> {
    response.type(this.metrics.contentType).send(await this.metrics.render());
  }
}
