import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

export const API_KEY_SECURITY = 'api-key';

/** The OpenAPI document, generated from the controllers' and DTOs' decorators. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
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
  return SwaggerModule.createDocument(app, config);
}
