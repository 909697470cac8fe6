import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

import { completeDocument } from './contract';
import { routesByOperationId } from './route-metadata';

/**
 * The OpenAPI document: generated from the controllers' and DTOs' decorators, then completed from
 * the app's own metadata (src/bootstrap/openapi/contract.ts). Served at /docs-json, exported to
 * openapi.json for the linters and the generated client (clients/typescript).
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Commerce API')
    .setDescription(
      'REST API for web and mobile clients. Responses use the `{ success, data, meta? }` envelope; ' +
        'errors use `{ success: false, error: { code, message, details? }, requestId }`.',
    )
    .setVersion('1.0')
    .setLicense('UNLICENSED', 'https://example.com/license')
    .build();
  return completeDocument(SwaggerModule.createDocument(app, config), routesByOperationId(app));
}
