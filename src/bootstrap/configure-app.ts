import { ConfigService } from '@nestjs/config';
import type { NestExpressApplication } from '@nestjs/platform-express';
import compression from 'compression';
import cookieParser from 'cookie-parser';
import { Logger } from 'nestjs-pino';

import { rejectDeepNesting, rejectPrototypeKeys, requireJsonBody } from '../common/http/json-body';
import { observeRequests } from '../common/http/observe-requests';
import { answerParserRefusals } from '../common/http/parser-refusals';
import { LEFT_OUT_LAYERS, type LeftOutLayers } from '../common/http/request-layers';
import type { AllConfig } from '../config';
import { FrameworkQuietLogger } from '../platform/logging/framework-quiet.logger';
import { HttpMetrics } from '../platform/metrics';
import { AddressRateLimit } from '../platform/rate-limit';
import { corsOptionsDelegate } from '../platform/security/cors-options';
import { securityHeaders } from '../platform/security/security-headers';
import { OPERATIONAL_PATHS, OPERATIONAL_ROUTES, operationalRoutesOnly, unknownOutsideApi } from './operational-routes';
import { DOCS_PATH, setupSwagger } from './swagger';

export const API_PREFIX = 'api/v1';

/**
 * Everything main.ts and the end-to-end tests both need, in request order (docs/decisions/0008,
 * 0028, 0032): one observation middleware (request id, security headers, response time, metrics,
 * so they cover everything after it), the per-address rate limit (so every request counts), CORS,
 * compression, cookies and body parsing; then Nest's guards (authentication, CSRF, rate limit,
 * permissions) and the response interceptor (time budget, Cache-Control, conditional GET,
 * envelope); the global prefix; OpenAPI. A worker process (APP_ROLE=worker) serves only the
 * probes and /metrics. Requests Node's HTTP parser refuses are answered in the envelope before
 * any of this.
 */
export function configureApp(app: NestExpressApplication): void {
  const configService = app.get(ConfigService<AllConfig, true>);
  const config = configService.getOrThrow('app', { infer: true });
  const leftOut = app.get<LeftOutLayers>(LEFT_OUT_LAYERS);
  app.useLogger(new FrameworkQuietLogger(app.get(Logger)));
  // What Nest logged while building (held back by bufferLogs), now through the app's logger.
  app.flushLogs();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);

  const meter = leftOut.has('httpMetrics') ? undefined : app.get(HttpMetrics);
  answerParserRefusals(app.getHttpServer(), (status, code) => meter?.countParserRefusal(status, code));
  app.use(
    observeRequests({
      meter,
      fixedHeaders: leftOut.has('securityHeaders') ? [] : securityHeaders({ hsts: config.isProduction }),
    }),
  );
  // After the observation, so requests a worker refuses are still counted.
  const worker = configService.getOrThrow('events', { infer: true }).role === 'worker';
  if (worker) app.use(operationalRoutesOnly);
  // Before authentication, body parsing and routing, so every request counts against its address
  // (failed authentication, unknown routes, refused bodies included). docs/decisions/0028
  else app.use(app.get(AddressRateLimit).middlewareExcept(OPERATIONAL_PATHS));
  if (!worker) app.use(unknownOutsideApi(API_PREFIX, DOCS_PATH));
  app.enableCors(corsOptionsDelegate(configService.getOrThrow('security', { infer: true }).cors));
  // Unsigned: the cookies that matter carry their own signatures (JWTs, HMAC'd CSRF tokens).
  app.use(cookieParser());
  if (config.compression.enabled) app.use(compression({ threshold: config.compression.thresholdBytes }));
  app.use(requireJsonBody);
  app.useBodyParser('json', {
    limit: config.bodyLimit,
    reviver: rejectPrototypeKeys,
    // Nest's option type leaves `verify` out because its rawBody mode sets it; this app does not
    // use rawBody, so body-parser runs this one (the hostile-input suite checks it does).
    ...({ verify: rejectDeepNesting } as object),
    type: ['application/json', 'application/*+json'],
  });

  // Operational routes live outside the versioned API. Shutdown is driven by
  // src/bootstrap/graceful-shutdown.ts (drain first), not by Nest's signal hooks.
  app.setGlobalPrefix(API_PREFIX, { exclude: OPERATIONAL_ROUTES });
  if (!worker) setupSwagger(app, config);
}
