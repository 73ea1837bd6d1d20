import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { signUp } from '../../factories/user.factory.js';
import { query } from '../../support/databases.js';
import { useTestApp } from '../../support/test-app.js';

type Client = Awaited<ReturnType<typeof signUp>>['client'];

const withoutRequestId = (body: Record<string, unknown>) => {
  const { requestId: _id, ...rest } = body;
  return rest;
};

describe('posts', () => {
  const testApp = useTestApp();

  async function createPost(client: Client, body: object = {}) {
    const res = await client.post('/v1/posts', { title: 'A harbour at dawn', ...body });
    expect(res.status).toBe(201);
    return res.body;
  }

  it('creates a draft with a derived slug and today’s editorial date', async () => {
    const { client } = await signUp(testApp.server);
    const post = await createPost(client, { title: 'Crème Brûlée: A History', body: 'Sugar.' });
    const [{ today }] = await query<{ today: string }>(
      inject('databaseUrl'),
      `SELECT to_char((now() AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS today`,
    );
    expect(post).toEqual({
      id: expect.any(String),
      title: 'Crème Brûlée: A History',
      slug: 'creme-brulee-a-history',
      body: 'Sugar.',
      editorialDate: today,
      publishAt: null,
      status: 'draft',
      firstPublishedAt: null,
      tags: [],
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const again = await createPost(client, { title: 'Crème brûlée: a history' });
    expect(again.slug).toBe('creme-brulee-a-history-2');
    const clash = await client.post('/v1/posts', { title: 'x', slug: 'creme-brulee-a-history' });
    expect(clash.status).toBe(409);
  });

  it('refuses bad input with field errors and keeps nothing', async () => {
    const { client } = await signUp(testApp.server);
    const res = await client.post('/v1/posts', {
      title: '',
      editorialDate: '2026-02-30',
      publishAt: '2026-12-01T12:00:00',
      owner: 'me',
    });
    expect(res.status).toBe(400);
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['title', 'editorialDate', 'publishAt', 'owner']));
    expect((await client.get('/v1/posts')).body.items).toEqual([]);
  });

  it('links only my own tags: a foreign tag id links nothing', async () => {
    const { client } = await signUp(testApp.server);
    const stranger = await signUp(testApp.server);
    const mine = (await client.post('/v1/tags', { name: 'harbours' })).body;
    const theirs = (await stranger.client.post('/v1/tags', { name: 'secret' })).body;

    const refused = await client.post('/v1/posts', { title: 'Mixed', tagIds: [mine.id, theirs.id] });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([{ field: 'tagIds', message: expect.any(String) }]);
    expect((await client.get('/v1/posts')).body.items).toEqual([]);

    const post = await createPost(client, { tagIds: [mine.id] });
    expect(post.tags).toEqual([{ id: mine.id, name: 'harbours' }]);
    const patch = await client.patch(`/v1/posts/${post.id}`, { tagIds: [theirs.id] });
    expect(patch.status).toBe(422);
    expect((await client.get(`/v1/posts/${post.id}`)).body.tags).toEqual([{ id: mine.id, name: 'harbours' }]);
    const links = await query(inject('databaseUrl'), 'SELECT 1 FROM post_tags WHERE tag_id = $1', [theirs.id]);
    expect(links).toHaveLength(0);
  });

  it('answers another user’s post exactly like a post that does not exist', async () => {
    const owner = await signUp(testApp.server);
    const intruder = await signUp(testApp.server);
    const post = await createPost(owner.client, { body: 'private draft' });
    const probes: Array<[string, (path: string) => ReturnType<Client['get']>]> = [
      ['GET', (p) => intruder.client.get(p)],
      ['PATCH', (p) => intruder.client.patch(p, { title: 'stolen' })],
      ['DELETE', (p) => intruder.client.delete(p)],
      ['PUBLISH', (p) => intruder.client.post(`${p}/publish`, {})],
      ['UNPUBLISH', (p) => intruder.client.post(`${p}/unpublish`)],
    ];
    for (const [name, call] of probes) {
      const foreign = await call(`/v1/posts/${post.id}`);
      const missing = await call(`/v1/posts/${randomUUID()}`);
      expect(foreign.status, name).toBe(404);
      expect(withoutRequestId(foreign.body), name).toEqual(withoutRequestId(missing.body));
    }
    const malformed = await intruder.client.get('/v1/posts/not-a-uuid');
    expect(malformed.status).toBe(404);
    const still = await owner.client.get(`/v1/posts/${post.id}`).expect(200);
    expect(still.body).toMatchObject({ title: 'A harbour at dawn', status: 'draft' });
    expect((await intruder.client.get('/v1/posts')).body.items).toEqual([]);
  });

  it('pages my posts newest first with an opaque cursor; a forged cursor is 400', async () => {
    const { client } = await signUp(testApp.server);
    const other = await signUp(testApp.server);
    await createPost(other.client);
    const titles = ['one', 'two', 'three', 'four', 'five'];
    for (const title of titles) await createPost(client, { title });
    const first = await client.get('/v1/posts?limit=2').expect(200);
    expect(first.body.items.map((p: { title: string }) => p.title)).toEqual(['five', 'four']);
    const second = await client.get(`/v1/posts?limit=2&cursor=${first.body.nextCursor}`).expect(200);
    expect(second.body.items.map((p: { title: string }) => p.title)).toEqual(['three', 'two']);
    const third = await client.get(`/v1/posts?limit=2&cursor=${second.body.nextCursor}`).expect(200);
    expect(third.body.items.map((p: { title: string }) => p.title)).toEqual(['one']);
    expect(third.body.nextCursor).toBeNull();

    const forged = first.body.nextCursor.replace(/^./, (c: string) => (c === 'A' ? 'B' : 'A'));
    const res = await client.get(`/v1/posts?cursor=${forged}`);
    expect(res.status).toBe(400);
    expect((await client.get('/v1/posts?limit=101')).status).toBe(400);
    // Another user's cursor is valid but can only page through the holder's own posts.
    const theirs = await other.client.get(`/v1/posts?cursor=${first.body.nextCursor}`).expect(200);
    expect(theirs.body.items.map((p: { title: string }) => p.title)).toEqual(['A harbour at dawn']);
  });

  it('filters by status, computed from the database clock', async () => {
    const { client } = await signUp(testApp.server);
    await createPost(client, { title: 'draft' });
    await createPost(client, { title: 'scheduled', publishAt: '2999-01-01T00:00:00Z' });
    await createPost(client, { title: 'published', publishAt: '2001-01-01T00:00:00Z' });
    for (const status of ['draft', 'scheduled', 'published']) {
      const res = await client.get(`/v1/posts?status=${status}`).expect(200);
      expect(res.body.items.map((p: { title: string; status: string }) => [p.title, p.status])).toEqual([
        [status, status],
      ]);
    }
  });

  it('keeps the editorial date through edit, publish, reschedule and unpublish', async () => {
    const { client } = await signUp(testApp.server);
    const post = await createPost(client, { editorialDate: '1999-12-31' });
    const steps = [
      () => client.patch(`/v1/posts/${post.id}`, { title: 'Edited', body: 'more' }),
      () => client.post(`/v1/posts/${post.id}/publish`, {}),
      () => client.post(`/v1/posts/${post.id}/publish`, { publishAt: '2999-06-01T09:00:00Z' }),
      () => client.post(`/v1/posts/${post.id}/unpublish`),
    ];
    const statuses = [];
    for (const step of steps) {
      const res = await step();
      expect(res.status).toBe(200);
      expect(res.body.editorialDate).toBe('1999-12-31');
      statuses.push(res.body.status);
    }
    expect(statuses).toEqual(['draft', 'published', 'scheduled', 'draft']);
  });

  it('never lets a backdated editorial date make a post live', async () => {
    const { client } = await signUp(testApp.server);
    const post = await createPost(client, { editorialDate: '1990-01-01', publishAt: '2999-01-01T00:00:00Z' });
    expect(post.status).toBe('scheduled');
    const patched = await client.patch(`/v1/posts/${post.id}`, { editorialDate: '1980-05-05' });
    expect(patched.body.status).toBe('scheduled');
  });

  it('remembers when a post first went live, across unpublish and republish', async () => {
    const { client } = await signUp(testApp.server);
    const post = await createPost(client, { publishAt: '2020-03-01T10:00:00Z' });
    expect(post.firstPublishedAt).toBe('2020-03-01T10:00:00.000Z');
    await client.post(`/v1/posts/${post.id}/unpublish`).expect(200);
    const republished = await client.post(`/v1/posts/${post.id}/publish`, { publishAt: '2021-01-01T00:00:00Z' });
    expect(republished.body.firstPublishedAt).toBe('2020-03-01T10:00:00.000Z');
    const scheduledOnly = await createPost(client, { publishAt: '2999-01-01T00:00:00Z' });
    expect(scheduledOnly.firstPublishedAt).toBeNull();
  });

  it('deletes my post; a second delete is 404', async () => {
    const { client } = await signUp(testApp.server);
    const post = await createPost(client);
    await client.delete(`/v1/posts/${post.id}`).expect(204);
    expect((await client.delete(`/v1/posts/${post.id}`)).status).toBe(404);
  });

  it('requires a session', async () => {
    const { client } = await signUp(testApp.server);
    await client.post('/v1/auth/logout').expect(204);
    expect((await client.get('/v1/posts')).status).toBe(401);
  });
});
