import { ConfigService } from '@nestjs/config';
import type { NestExpressApplication } from '@nestjs/platform-express';
import compression from 'compression';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import responseTime from 'response-time';

import { assignRequestId } from '../common/context/request-id';
import { rejectPrototypeKeys, requireJsonBody } from '../common/http/json-body';
import type { AllConfig } from '../config';
import { HttpMetrics } from '../platform/metrics';
import { corsOptionsDelegate } from '../platform/security/cors-options';
import { setupSwagger } from './swagger';

export const API_PREFIX = 'api/v1';
/** Operational routes live outside the versioned API. */
const UNPREFIXED_ROUTES = ['health/live', 'health/ready', 'metrics'];

/**
 * Everything main.ts and the end-to-end tests both need, in request order (docs/decisions/0008):
 * request id, metrics and response time (so they measure everything after them), security
 * headers and CORS, compression, cookies and body parsing; then Nest's guards (authentication,
 * CSRF, rate limit, permissions) and interceptors (timeout, Cache-Control, envelope); the global
 * prefix; OpenAPI.
 */
export function configureApp(app: NestExpressApplication): void {
  const configService = app.get(ConfigService<AllConfig, true>);
  const config = configService.getOrThrow('app', { infer: true });
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);

  app.use(assignRequestId);
  if (config.layers.httpMetrics) app.use(app.get(HttpMetrics).middleware);
  app.use(responseTime({ digits: 1, header: 'X-Response-Time' }));
  if (config.layers.securityHeaders) app.use(helmet({ hsts: config.isProduction }));
  app.enableCors(corsOptionsDelegate(configService.getOrThrow('security', { infer: true }).cors));
  // Unsigned: the cookies that matter carry their own signatures (JWTs, HMAC'd CSRF tokens).
  app.use(cookieParser());
  if (config.compression.enabled) app.use(compression({ threshold: config.compression.thresholdBytes }));
  app.use(requireJsonBody);
  app.useBodyParser('json', {
    limit: config.bodyLimit,
    reviver: rejectPrototypeKeys,
    type: ['application/json', 'application/*+json'],
  });

  app.setGlobalPrefix(API_PREFIX, { exclude: UNPREFIXED_ROUTES });
  // Exit normally once shut down (rather than re-raising the signal): the asynchronous log
  // destination flushes its last lines on 'exit', and `node --cpu-prof` writes its profile.
  app.enableShutdownHooks(undefined, { useProcessExit: true });
  setupSwagger(app);
}
