import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { ApiClient } from '../support/api-client.js';
import { startTestApp } from '../support/test-app.js';

const problemType = /^application\/problem\+json/;

describe('HTTP hygiene', () => {
  let app: NestExpressApplication;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('answers an unknown route with a 404 problem', async () => {
    const res = await new ApiClient(app.getHttpServer()).get('/v1/nowhere');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(problemType);
    expect(res.body).toMatchObject({ status: 404, title: 'Not Found' });
    expect(res.body.requestId).toBe(res.headers['x-request-id']);
  });

  it('answers malformed JSON with 400 and does not echo it', async () => {
    const res = await new ApiClient(app.getHttpServer()).post('/health/live')
      .set('Content-Type', 'application/json')
      .send('{"title": "unterminated');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(problemType);
    expect(JSON.stringify(res.body)).not.toContain('unterminated');
    expect(res.body.requestId).toEqual(expect.any(String));
  });

  it('refuses a non-JSON body with 415', async () => {
    const res = await new ApiClient(app.getHttpServer()).post('/health/live')
      .set('Content-Type', 'text/plain')
      .send('hello');
    expect(res.status).toBe(415);
    expect(res.headers['content-type']).toMatch(problemType);
  });

  it('refuses a 2 MB body with 413', async () => {
    const res = await new ApiClient(app.getHttpServer()).post('/health/live')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ body: 'a'.repeat(2 * 1024 * 1024) }));
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(problemType);
  });

  it('echoes a sane X-Request-Id and replaces an unsafe one', async () => {
    const echoed = await new ApiClient(app.getHttpServer()).get('/health/live')
      .set('X-Request-Id', 'trace-abc.123');
    expect(echoed.headers['x-request-id']).toBe('trace-abc.123');
    const replaced = await new ApiClient(app.getHttpServer()).get('/health/live')
      .set('X-Request-Id', 'bad id\twith spaces');
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends helmet’s security headers and no X-Powered-By', async () => {
    const res = await new ApiClient(app.getHttpServer()).get('/health/live');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('serves the OpenAPI document and its UI', async () => {
    const doc = await request(app.getHttpServer()).get('/docs/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.body.paths)).toContain('/health/ready');
    const ui = await request(app.getHttpServer()).get('/docs');
    expect(ui.status).toBe(200);
    expect(ui.headers['content-type']).toMatch(/text\/html/);
  });
});
