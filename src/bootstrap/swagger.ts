import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';

import { AuthenticationException } from '../common/errors';
import type { AppConfig } from '../config';
import { StaticBearerToken } from '../platform/security/static-bearer-token';

const API_KEY_SECURITY = 'api-key';

const DOCS_PATHS = /^\/docs(-json)?(\/|$)/;

/**
 * OpenAPI 3 generated from the code: JSON at /docs-json, Swagger UI at /docs. DOCS_BEARER_TOKEN
 * guards both; production serves them only with one (the map of every route helps an attacker
 * more than a client who already has the docs).
 */
export function setupSwagger(app: INestApplication, access: Pick<AppConfig, 'isProduction' | 'docsBearerToken'>): void {
  if (access.isProduction && access.docsBearerToken === undefined) return;
  if (access.docsBearerToken !== undefined) app.use(requireDocsToken(new StaticBearerToken(access.docsBearerToken)));
  const config = new DocumentBuilder()
    .setTitle('Commerce API')
    .setDescription(
      'REST API for web and mobile clients. Responses use the `{ success, data, meta? }` envelope; ' +
        'errors use `{ success: false, error: { code, message, details? }, requestId }`.',
    )
    .setVersion('1.0')
    .addBearerAuth()
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, API_KEY_SECURITY)
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', raw: ['json'] });
}

function requireDocsToken(token: StaticBearerToken) {
  return (request: Request, _response: Response, next: NextFunction): void => {
    const guarded = DOCS_PATHS.test(request.path) && !token.isPresentedIn(request.headers.authorization);
    next(guarded ? new AuthenticationException('docs_token') : undefined);
  };
}
