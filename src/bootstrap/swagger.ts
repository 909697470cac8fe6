import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

export const API_KEY_SECURITY = 'api-key';

/** OpenAPI 3 generated from the code: JSON at /docs-json, Swagger UI at /docs. */
export function setupSwagger(app: INestApplication): void {
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
