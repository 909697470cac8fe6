import type { INestApplication } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';

import { AuthenticationException } from '../common/errors';
import type { AppConfig } from '../config';
import { StaticBearerToken } from '../platform/security/static-bearer-token';
import { buildOpenApiDocument } from './openapi/document';

/** Swagger UI here, the document at `${DOCS_PATH}-json`. */
export const DOCS_PATH = 'docs';

const DOCS_PATHS = /^\/docs(-json)?(\/|$)/;

/**
 * OpenAPI 3 generated from the code: JSON at /docs-json, Swagger UI at /docs. DOCS_BEARER_TOKEN
 * guards both; production serves them only with one (the map of every route helps an attacker
 * more than a client who already has the docs).
 */
export function setupSwagger(app: INestApplication, access: Pick<AppConfig, 'isProduction' | 'docsBearerToken'>): void {
  if (access.isProduction && access.docsBearerToken === undefined) return;
  if (access.docsBearerToken !== undefined) app.use(requireDocsToken(new StaticBearerToken(access.docsBearerToken)));
  SwaggerModule.setup(DOCS_PATH, app, buildOpenApiDocument(app), {
    jsonDocumentUrl: `${DOCS_PATH}-json`,
    raw: ['json'],
  });
}

function requireDocsToken(token: StaticBearerToken) {
  return (request: Request, _response: Response, next: NextFunction): void => {
    const guarded = DOCS_PATHS.test(request.path) && !token.isPresentedIn(request.headers.authorization);
    next(guarded ? new AuthenticationException('docs_token') : undefined);
  };
}
