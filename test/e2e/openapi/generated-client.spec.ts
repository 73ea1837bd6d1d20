import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createBylineClient, type Post, type PublicPost } from '../../../client/byline.js';
import { strongPassword } from '../../factories/user.factory.js';
import { conformsToDocument } from '../../support/api-client.js';
import { startTestApp } from '../../support/test-app.js';

/**
 * A fetch with a cookie jar, as a browser with `credentials: 'include'` behaves, that also
 * checks every response against the served document like ApiClient does.
 */
function browserLikeFetch() {
  let cookie = '';
  return async (request: Request): Promise<Response> => {
    if (cookie) request.headers.set('Cookie', cookie);
    const response = await fetch(request);
    for (const line of response.headers.getSetCookie()) {
      if (line.startsWith('byline.sid=')) cookie = line.split(';')[0];
    }
    const text = await response.clone().text();
    conformsToDocument(request.method, new URL(request.url).pathname)({
      status: response.status,
      headers: Object.fromEntries(response.headers),
      text,
      body: text ? JSON.parse(text) : {},
    });
    return response;
  };
}

describe('the generated TypeScript client', () => {
  let app: NestExpressApplication;
  let baseUrl: string;
  beforeAll(async () => {
    app = await startTestApp();
    await app.listen(0);
    baseUrl = `http://localhost:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(() => app.close());

  it('drives csrf, signup, create, schedule and public read, typed end to end', async () => {
    const byline = createBylineClient({ baseUrl, fetch: browserLikeFetch() });
    const tag = randomUUID().slice(0, 8);

    const signup = await byline.POST('/v1/auth/signup', {
      body: { email: `client-${tag}@example.com`, password: strongPassword, displayName: 'Client', handle: `client-${tag}` },
    });
    expect(signup.response.status).toBe(201);
    const handle: string = signup.data!.user.handle;

    const created = await byline.POST('/v1/posts', {
      body: { title: 'Typed from the document', body: 'Generated, not hand-written.' },
      headers: { 'Idempotency-Key': `create-${tag}` },
    });
    expect(created.response.status).toBe(201);
    const draft: Post = created.data!;
    expect(draft.status).toBe('draft');
    // @ts-expect-error the document has no such field, so neither has the type
    expect(draft.internalNote).toBeUndefined();

    // Scheduled a moment ahead, read publicly only once the database clock passes it.
    const at = new Date(Date.now() + 1500).toISOString();
    const scheduled = await byline.POST('/v1/posts/{id}/publish', {
      params: { path: { id: draft.id } },
      body: { publishAt: at },
    });
    expect(scheduled.data!.status).toBe('scheduled');
    const publicPath = { path: { handle, slug: draft.slug } };
    const early = await byline.GET('/v1/public/authors/{handle}/posts/{slug}', { params: publicPath });
    expect(early.response.status).toBe(404);
    expect(early.error!.status).toBe(404);

    let live: PublicPost | undefined;
    for (let attempt = 0; attempt < 40 && !live; attempt++) {
      await new Promise((done) => setTimeout(done, 250));
      live = (await byline.GET('/v1/public/authors/{handle}/posts/{slug}', { params: publicPath })).data;
    }
    expect(live).toMatchObject({ title: 'Typed from the document', author: { handle, displayName: 'Client' } });
    const publishedAt: string = live!.publishedAt;
    expect(Date.parse(publishedAt)).toBe(Date.parse(at));

    const page = await byline.GET('/v1/public/authors/{handle}/posts', { params: { path: { handle }, query: { limit: 5 } } });
    expect(page.data!.items.map((post) => post.slug)).toEqual([draft.slug]);
    expect(page.data!.nextCursor).toBeNull();
  });

  it('gives problems typed as problems', async () => {
    const byline = createBylineClient({ baseUrl, fetch: browserLikeFetch() });
    const refused = await byline.POST('/v1/auth/login', { body: { email: 'nobody@example.com', password: 'wrong-password-1' } });
    expect(refused.response.status).toBe(401);
    expect(refused.response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.error).toMatchObject({ status: 401, type: expect.stringMatching(/^urn:byline:problem:/) });
  });
});
