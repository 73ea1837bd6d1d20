import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { listRoutes } from '../../auth/access/route-inventory.js';
import { completeDocument } from './complete-document.js';

/**
 * The OpenAPI document that /docs/openapi.json serves and `npm run client` generates from.
 * OpenAPI 3.0: @nestjs/swagger writes 3.0 schemas (`nullable`), which every generator reads.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Byline')
    .setDescription(
      'Multi-tenant publishing backend. JSON in and out; errors are RFC 9457 application/problem+json. ' +
        'Browsers: send cookies (`credentials: "include"`) and the token from GET /v1/auth/csrf in ' +
        'X-CSRF-Token on every POST, PUT, PATCH and DELETE.',
    )
    .setVersion('1')
    // Relative: the document describes whichever host serves it.
    .addServer('/', 'The server that serves this document')
    .addTag('auth', 'Signup, login, sessions and CSRF')
    .addTag('posts', 'My posts (tenant-scoped)')
    .addTag('tags', 'My tags (tenant-scoped)')
    .addTag('public', 'Published posts; no session needed')
    .addTag('webhooks', 'My webhook endpoints and their deliveries (tenant-scoped)')
    .addTag('admin', 'Accounts, roles and permissions (permission-guarded)')
    .addTag('audit', 'The audit log (permission-guarded)')
    .addTag('operations', 'Health')
    .addApiKey(
      {
        type: 'apiKey',
        in: 'cookie',
        name: 'byline.sid',
        description: 'The session cookie (`__Host-byline.sid` in production), set by signup and login.',
      },
      'session',
    )
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'X-CSRF-Token',
        description: 'The token from GET /v1/auth/csrf, bound to the session; required on every unsafe method.',
      },
      'csrf',
    )
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    // Routes name their operationId with @Operation; this fallback is only the method name.
    operationIdFactory: (_controller, method) => method,
  });
  return completeDocument(document, listRoutes(app));
}
