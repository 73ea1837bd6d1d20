import type { OpenAPIObject } from '@nestjs/swagger';
import request from 'supertest';
import { createApp } from '../../src/bootstrap.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/http/request-logging.js';

/** The OpenAPI document exactly as a running Byline serves it at /docs/openapi.json. */
export async function fetchServedDocument(databaseUrl: string): Promise<OpenAPIObject> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', JOBS_ENABLED: 'false', DATABASE_URL: databaseUrl });
  const app = await createApp({ ...config, databaseUrl }, createLogger('silent'));
  await app.init();
  try {
    const res = await request(app.getHttpServer()).get('/docs/openapi.json').expect(200);
    return res.body as OpenAPIObject;
  } finally {
    await app.close();
  }
}
