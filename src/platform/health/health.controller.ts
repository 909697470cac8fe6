import { Controller, Get, HttpStatus, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckResult, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { Response } from 'express';

import { Public, RawResponse } from '../../common/decorators';
import { NoRateLimit } from '../rate-limit/rate-limit.decorators';
import { ReadinessContributors } from './readiness-contributors';
import { ShutdownCoordinator } from './shutdown-coordinator';

const DATABASE_PING_TIMEOUT_MS = 1500;

/** Terminus's report: an overall status and one entry per check, by name. */
const CHECKS = {
  type: 'object',
  additionalProperties: { type: 'object', required: ['status'], properties: { status: { type: 'string' } } },
};
const READINESS_SCHEMA = {
  type: 'object',
  required: ['status'],
  properties: {
    status: { type: 'string', enum: ['ok', 'degraded', 'error', 'shutting_down'] },
    info: CHECKS,
    error: CHECKS,
    details: CHECKS,
  },
};

/** Kubernetes probes, outside /api/v1 and without the response envelope. */
@ApiTags('ops')
@Public()
@NoRateLimit()
@RawResponse()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly contributors: ReadinessContributors,
    private readonly shutdown: ShutdownCoordinator,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: 200 while the process can serve requests' })
  @ApiOkResponse({
    schema: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ok'] } } },
  })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: 200 when Postgres answers; Redis and others are reported, not required' })
  @ApiOkResponse({
    description: 'Ready; an optional dependency that is down is reported in `info`/`error`',
    schema: READINESS_SCHEMA,
  })
  @ApiServiceUnavailableResponse({
    description: 'Postgres unreachable, or the process is shutting down',
    schema: READINESS_SCHEMA,
  })
  async ready(@Res({ passthrough: true }) response: Response): Promise<HealthCheckResult> {
    response.setHeader('Cache-Control', 'no-store');
    if (this.shutdown.isShuttingDown) {
      // Draining: whatever the dependencies say, new traffic should go to another replica.
      response.status(HttpStatus.SERVICE_UNAVAILABLE);
      return { status: 'shutting_down', info: {}, error: {}, details: {} };
    }
    try {
      return await this.health.check([
        () => this.database.pingCheck('database', { timeout: DATABASE_PING_TIMEOUT_MS }),
        ...this.contributors.all(),
      ]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      response.status(HttpStatus.SERVICE_UNAVAILABLE);
      return error.getResponse() as HealthCheckResult;
    }
  }
}
