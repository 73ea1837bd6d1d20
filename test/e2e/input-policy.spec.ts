import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { signUp, userInput } from '../factories/user.factory.js';
import { ApiClient } from '../support/api-client.js';
import { useTestApp } from '../support/test-app.js';

/** superagent would JSON-encode a Buffer sent as application/json; these bytes go as they are. */
const raw = (bytes: unknown) => bytes as string;

function expectProblem(res: request.Response, status = 400) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
}

describe('one input policy before validation', () => {
  const testApp = useTestApp();

  it('refuses JSON nested deeper than 32 levels, a 900 KB one included, before parsing it', async () => {
    const { client } = await signUp(testApp.server);
    const deep = '['.repeat(900_000);
    for (const path of ['/v1/auth/login', '/v1/auth/signup', '/v1/posts']) {
      const res = await client.post(path).set('Content-Type', 'application/json').send(deep);
      expectProblem(res);
    }
    const nested = (n: number): unknown => (n === 0 ? 'x' : { a: nested(n - 1) });
    expectProblem(await client.post('/v1/posts', { title: 'deep', extra: nested(40) }));
    await client.get('/v1/auth/me').expect(200);
  });

  it('refuses U+0000 in the body, the query, the path and the login email', async () => {
    const { client } = await signUp(testApp.server);
    expectProblem(await client.post('/v1/posts', { title: 'nul\u0000title' }));
    expectProblem(await client.post('/v1/tags', { name: 'a\u0000' }));
    expectProblem(await client.get('/v1/posts?status=%00'));
    expectProblem(await client.get('/v1/public/authors/a%00b/posts'));
    expectProblem(await client.get('/v1/public/authors/writer/posts/sl%00ug'));
    expectProblem(await client.delete('/v1/auth/sessions/x%00y'));
    const anonymous = new ApiClient(testApp.server);
    await anonymous.refreshToken();
    expectProblem(await anonymous.post('/v1/auth/login', { email: 'a\u0000@example.com', password: 'x' }));
    expectProblem(await anonymous.post('/v1/auth/signup', userInput({ displayName: 'Nul\u0000' })));
  });

  it('refuses a body whose Content-Encoding does not decode', async () => {
    const { client } = await signUp(testApp.server);
    for (const encoding of ['gzip', 'deflate', 'br']) {
      const res = await client
        .post('/v1/posts')
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', encoding)
        .serialize(raw)
        .send(Buffer.from('this is not compressed at all'));
      expectProblem(res);
      expect(res.text).not.toMatch(/zlib|incorrect header|Z_/i);
    }
    const good = await client
      .post('/v1/posts')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .serialize(raw)
      .send(gzipSync(JSON.stringify({ title: 'Compressed' })));
    expect(good.body).toEqual(expect.objectContaining({ title: 'Compressed' }));
    expect(good.status).toBe(201);
  });

  it('allows null only where the field is nullable', async () => {
    const { client } = await signUp(testApp.server);
    const post = (await client.post('/v1/posts', { title: 'Nullable' }).expect(201)).body;
    for (const field of ['title', 'body', 'slug', 'editorialDate', 'tagIds']) {
      expectProblem(await client.patch(`/v1/posts/${post.id}`, { [field]: null }));
      expectProblem(await client.post('/v1/posts', { title: 'x', [field]: null }));
    }
    expectProblem(await client.post('/v1/webhooks', { url: 'http://127.0.0.1:9/x', events: ['post.published'], description: null }));
    const draft = await client.patch(`/v1/posts/${post.id}`, { publishAt: null }).expect(200);
    expect(draft.body.publishAt).toBeNull();
  });

  it('refuses __proto__, constructor and prototype keys', async () => {
    const { client } = await signUp(testApp.server);
    for (const raw of ['{"title":"p","__proto__":{"admin":true}}', '{"title":"p","constructor":{"prototype":{}}}', '{"title":"p","tagIds":[],"x":{"prototype":1}}']) {
      expectProblem(await client.post('/v1/posts').set('Content-Type', 'application/json').send(raw));
    }
    expectProblem(await client.get('/v1/posts?__proto__=x'));
  });

  it('refuses query parameters on routes that take none', async () => {
    const { client } = await signUp(testApp.server);
    expectProblem(await client.get('/v1/auth/me?admin=true'));
    expectProblem(await client.get('/v1/tags?limit=1&x=1'));
    expectProblem(await client.post('/v1/auth/sessions/revoke-others?all=1'));
    await client.get('/v1/posts?limit=1').expect(200);
  });

  it('keeps handles ASCII', async () => {
    const anonymous = new ApiClient(testApp.server);
    await anonymous.refreshToken();
    for (const handle of ['wrіter', 'ａｄａ', 'café']) {
      expectProblem(await anonymous.post('/v1/auth/signup', userInput({ handle })));
    }
  });
});
