import { inject } from 'vitest';
import { signUp } from '../../factories/user.factory.js';
import { ApiClient } from '../../support/api-client.js';
import { query } from '../../support/databases.js';
import { useTestApp } from '../../support/test-app.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('scheduled publishing and public reading', () => {
  const testApp = useTestApp();
  const reader = () => new ApiClient(testApp.server);

  it('hides a scheduled post from every public path until its instant, with no write', async () => {
    const { client, user } = await signUp(testApp.server);
    const [{ at }] = await query<{ at: Date }>(
      inject('databaseUrl'),
      `SELECT date_trunc('second', now()) + interval '3 seconds' AS at`,
    );
    const post = (
      await client.post('/v1/posts', { title: 'Goes live soon', publishAt: at.toISOString() }).expect(201)
    ).body;
    const rowVersion = async () =>
      (await query<{ xmin: string }>(inject('databaseUrl'), 'SELECT xmin::text FROM posts WHERE id = $1', [post.id]))[0]
        .xmin;
    const before = await rowVersion();
    const paths = {
      bySlug: `/v1/public/authors/${user.handle}/posts/${post.slug}`,
      byAuthor: `/v1/public/authors/${user.handle}/posts`,
      all: '/v1/public/posts?limit=100',
    };

    expect((await reader().get(paths.bySlug)).status).toBe(404);
    const authorList = await reader().get(paths.byAuthor).expect(200);
    expect(authorList.body.items).toEqual([]);
    // No cache may keep the list past the publish instant.
    const maxAge = Number(/max-age=(\d+)/.exec(authorList.headers['cache-control'])![1]);
    expect(maxAge).toBeLessThanOrEqual(3);
    const all = await reader().get(paths.all).expect(200);
    expect(all.body.items.map((p: { id: string }) => p.id)).not.toContain(post.id);
    expect(Number(/max-age=(\d+)/.exec(all.headers['cache-control'])![1])).toBeLessThanOrEqual(3);

    const [{ wait }] = await query<{ wait: number }>(
      inject('databaseUrl'),
      `SELECT extract(epoch FROM $1::timestamptz - now()) * 1000 AS wait`,
      [at],
    );
    await sleep(Math.max(0, Number(wait)) + 50);

    const live = await reader().get(paths.bySlug).expect(200);
    expect(live.body).toEqual({
      id: post.id,
      title: 'Goes live soon',
      slug: post.slug,
      body: '',
      editorialDate: post.editorialDate,
      publishedAt: at.toISOString(),
      author: { handle: user.handle, displayName: expect.any(String) },
      tags: [],
    });
    expect(live.headers.etag).toBeDefined();
    expect((await reader().get(paths.byAuthor)).body.items.map((p: { id: string }) => p.id)).toEqual([post.id]);
    expect(await rowVersion()).toBe(before);
  });

  it('shows only published posts, newest first, with no private fields', async () => {
    const { client, user } = await signUp(testApp.server);
    await client.post('/v1/posts', { title: 'Draft', body: 'secret draft' }).expect(201);
    await client.post('/v1/posts', { title: 'Later', publishAt: '2999-01-01T00:00:00Z' }).expect(201);
    await client.post('/v1/posts', { title: 'Old', publishAt: '2001-01-01T00:00:00Z' }).expect(201);
    await client.post('/v1/posts', { title: 'New', publishAt: '2002-01-01T00:00:00Z' }).expect(201);
    const res = await reader().get(`/v1/public/authors/${user.handle}/posts`).expect(200);
    expect(res.body.items.map((p: { title: string }) => p.title)).toEqual(['New', 'Old']);
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(user.email);
    expect(text).not.toContain(user.id);
    expect(text).not.toContain('secret draft');
    expect(Object.keys(res.body.items[0]).sort()).toEqual(
      ['author', 'body', 'editorialDate', 'id', 'publishedAt', 'slug', 'tags', 'title'],
    );
  });

  it('answers a draft by slug with 404 and revalidates with the ETag', async () => {
    const { client, user } = await signUp(testApp.server);
    const draft = (await client.post('/v1/posts', { title: 'Unfinished' }).expect(201)).body;
    expect((await reader().get(`/v1/public/authors/${user.handle}/posts/${draft.slug}`)).status).toBe(404);
    await client.post(`/v1/posts/${draft.id}/publish`, {}).expect(200);
    const live = await reader().get(`/v1/public/authors/${user.handle}/posts/${draft.slug}`).expect(200);
    const notModified = await reader()
      .get(`/v1/public/authors/${user.handle}/posts/${draft.slug}`)
      .set('If-None-Match', live.headers.etag);
    expect(notModified.status).toBe(304);
  });

  it('gives away no scheduled instant of a disabled author through the list’s max-age', async () => {
    const { client, user } = await signUp(testApp.server);
    const [{ at }] = await query<{ at: Date }>(inject('databaseUrl'), `SELECT now() + interval '20 seconds' AS at`);
    await client.post('/v1/posts', { title: 'Soon', publishAt: at.toISOString() }).expect(201);
    const maxAge = async () =>
      Number(/max-age=(\d+)/.exec((await reader().get(`/v1/public/authors/${user.handle}/posts`).expect(200)).headers['cache-control'])![1]);
    // Enabled, the list is true until the post goes live, and says so.
    expect(await maxAge()).toBeLessThanOrEqual(20);
    await query(inject('databaseUrl'), `UPDATE users SET disabled_at = now() WHERE id = $1`, [user.id]);
    // Disabled, as if the account had nothing scheduled: the longest max-age.
    expect(await maxAge()).toBe(60);
  });
});
