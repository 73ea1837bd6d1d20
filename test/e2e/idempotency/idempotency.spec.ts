import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { signUp } from '../../factories/user.factory.js';
import { query } from '../../support/databases.js';
import { ApiClient } from '../../support/api-client.js';
import { grantDirectly } from '../../support/roles.js';
import { useTestApp } from '../../support/test-app.js';
import { HousekeepingJob } from '../../../src/jobs/housekeeping.job.js';

type Client = Awaited<ReturnType<typeof signUp>>['client'];

const db = () => inject('databaseUrl');
const postsTitled = (userId: string, title: string) =>
  query<{ id: string }>(db(), 'SELECT id FROM posts WHERE user_id = $1 AND title = $2', [userId, title]);
const keyRows = (userId: string, key: string) =>
  query<{ response_status: number }>(db(), 'SELECT response_status FROM idempotency_keys WHERE user_id = $1 AND key = $2', [
    userId,
    key,
  ]);

describe('Idempotency-Key', () => {
  const testApp = useTestApp();

  const createPost = (client: Client, key: string, body: object) =>
    client.post('/v1/posts', body).set('Idempotency-Key', key);

  it('is documented in OpenAPI on every POST that changes something, signup and login excepted', async () => {
    const client = new ApiClient(testApp.server);
    const document = (await client.get('/docs/openapi.json').expect(200)).body as {
      paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string }> }>>;
    };
    const withKey = (path: string) =>
      (document.paths[path]?.post?.parameters ?? []).some((p) => p.in === 'header' && p.name === 'Idempotency-Key');
    for (const path of [
      '/v1/posts',
      '/v1/posts/{id}/publish',
      '/v1/posts/{id}/unpublish',
      '/v1/tags',
      '/v1/webhooks',
      '/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver',
      '/v1/admin/roles',
      '/v1/auth/sessions/revoke-others',
    ]) {
      expect(withKey(path), path).toBe(true);
    }
    expect(withKey('/v1/auth/signup')).toBe(false);
    expect(withKey('/v1/auth/login')).toBe(false);
  });

  it('replays the kept response, byte for byte, and changes nothing', async () => {
    const { client, user } = await signUp(testApp.server);
    const key = randomUUID();
    const first = await createPost(client, key, { title: 'Kept', body: 'Once.' });
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();

    // The same request: the body's keys in another order are the same body.
    const again = await createPost(client, key, { body: 'Once.', title: 'Kept' });
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.text).toBe(first.text);
    expect(await postsTitled(user.id, 'Kept')).toHaveLength(1);
    expect(await keyRows(user.id, key)).toEqual([{ response_status: 201 }]);
  });

  it('20 concurrent requests with one key make exactly one post; the rest get it or 409', async () => {
    const { client, user } = await signUp(testApp.server);
    const key = randomUUID();
    const body = { title: 'Raced', tagIds: [] };
    const responses = await Promise.all(Array.from({ length: 20 }, () => createPost(client, key, body)));

    expect(await postsTitled(user.id, 'Raced')).toHaveLength(1);
    const created = responses.filter((r) => r.status === 201);
    const busy = responses.filter((r) => r.status === 409);
    expect(created.length + busy.length).toBe(20);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
    expect(created.filter((r) => r.headers['idempotent-replayed'] !== 'true')).toHaveLength(1);
    for (const r of busy) {
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(r.headers['retry-after']).toBe('1');
      expect(r.body).toMatchObject({ status: 409, requestId: expect.any(String) });
    }

    // The same key with a different request is refused and changes nothing.
    const other = await createPost(client, key, { title: 'Something else' });
    expect(other.status).toBe(422);
    expect(other.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await postsTitled(user.id, 'Something else')).toHaveLength(0);
    // ... and so is the key on another path.
    const tag = await client.post('/v1/tags', { name: 'x' }).set('Idempotency-Key', key);
    expect(tag.status).toBe(422);
    expect((await client.get('/v1/tags')).body.items).toEqual([]);
  });

  it('scopes keys to the signed-in user', async () => {
    const a = await signUp(testApp.server);
    const b = await signUp(testApp.server);
    const key = `shared-${randomUUID()}`;
    const fromA = await createPost(a.client, key, { title: 'Same key' });
    const fromB = await createPost(b.client, key, { title: 'Same key' });
    expect(fromA.status).toBe(201);
    expect(fromB.status).toBe(201);
    expect(fromB.headers['idempotent-replayed']).toBeUndefined();
    expect(fromB.body.id).not.toBe(fromA.body.id);
    expect(await postsTitled(a.user.id, 'Same key')).toHaveLength(1);
    expect(await postsTitled(b.user.id, 'Same key')).toHaveLength(1);
  });

  it('refuses a malformed key with 400 problem+json and runs nothing', async () => {
    const { client, user } = await signUp(testApp.server);
    for (const bad of ['', 'x'.repeat(256), 'clé']) {
      const res = await createPost(client, bad, { title: 'Malformed' });
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.detail).toMatch(/Idempotency-Key/);
    }
    expect(await postsTitled(user.id, 'Malformed')).toHaveLength(0);
    const longest = await createPost(client, '~'.repeat(255), { title: 'Longest key' });
    expect(longest.status).toBe(201);
  });

  it('forgets a key after its 24 hours; housekeeping prunes it', async () => {
    const { client, user } = await signUp(testApp.server);
    const key = randomUUID();
    expect((await createPost(client, key, { title: 'Expiring' })).status).toBe(201);
    await query(db(), `UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE user_id = $1 AND key = $2`, [
      user.id,
      key,
    ]);
    // Expired: the request runs again, as a new one.
    const again = await createPost(client, key, { title: 'Expiring' });
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect(await postsTitled(user.id, 'Expiring')).toHaveLength(2);

    const stale = randomUUID();
    expect((await createPost(client, stale, { title: 'Stale' })).status).toBe(201);
    await query(db(), `UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE user_id = $1 AND key = $2`, [
      user.id,
      stale,
    ]);
    await testApp.app.get(HousekeepingJob).run();
    expect(await keyRows(user.id, stale)).toEqual([]);
    expect(await keyRows(user.id, key)).toHaveLength(1);
  });

  it('keeps no failed response: the retry runs again', async () => {
    const { client, user } = await signUp(testApp.server);
    expect((await client.post('/v1/posts', { title: 'Taken', slug: 'taken' })).status).toBe(201);
    const key = randomUUID();
    const clash = await createPost(client, key, { title: 'Clash', slug: 'taken' });
    expect(clash.status).toBe(409);
    expect(await keyRows(user.id, key)).toEqual([]);
    await client.delete(`/v1/posts/${(await postsTitled(user.id, 'Taken'))[0].id}`).expect(204);
    const retry = await createPost(client, key, { title: 'Clash', slug: 'taken' });
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
  });

  it('a statement that fails inside the request transaction undoes only itself (derived slugs)', async () => {
    const { client } = await signUp(testApp.server);
    const first = await createPost(client, randomUUID(), { title: 'Twin title' });
    const second = await createPost(client, randomUUID(), { title: 'Twin title' });
    expect(first.body.slug).toBe('twin-title');
    expect(second.status).toBe(201);
    expect(second.body.slug).toBe('twin-title-2');
  });

  it('replays publish, tags and webhooks, each changing things once', async () => {
    const { client, user } = await signUp(testApp.server);
    const post = (await client.post('/v1/posts', { title: 'To publish' }).expect(201)).body;
    const key = randomUUID();
    const publish = () => client.post(`/v1/posts/${post.id}/publish`, {}).set('Idempotency-Key', key);
    const published = await publish();
    expect(published.status).toBe(200);
    const replay = await publish();
    expect(replay.status).toBe(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(published.body);

    const tagKey = randomUUID();
    const tag1 = await client.post('/v1/tags', { name: 'once' }).set('Idempotency-Key', tagKey);
    const tag2 = await client.post('/v1/tags', { name: 'once' }).set('Idempotency-Key', tagKey);
    expect([tag1.status, tag2.status]).toEqual([201, 201]);
    expect(tag2.body).toEqual(tag1.body);

    const hookKey = randomUUID();
    const hookBody = { url: 'http://127.0.0.1:9/hook', events: ['post.published'] };
    const hook1 = await client.post('/v1/webhooks', hookBody).set('Idempotency-Key', hookKey);
    const hook2 = await client.post('/v1/webhooks', hookBody).set('Idempotency-Key', hookKey);
    expect([hook1.status, hook2.status]).toEqual([201, 201]);
    expect(hook2.body).toEqual(hook1.body);
    const endpoints = await query(db(), 'SELECT id FROM webhook_endpoints WHERE user_id = $1', [user.id]);
    expect(endpoints).toHaveLength(1);
  });

  it('commits a role and its audit entry with the kept response, once', async () => {
    const { client, user } = await signUp(testApp.server);
    await grantDirectly(user.id, 'admin');
    const name = `editors-${randomUUID().slice(0, 8)}`;
    const key = randomUUID();
    const create = () =>
      client.post('/v1/admin/roles', { name, permissions: ['content.write'] }).set('Idempotency-Key', key);
    expect((await create()).status).toBe(201);
    const replay = await create();
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const audit = await query(db(), `SELECT id FROM audit_events WHERE action = 'role.created' AND target_id = $1`, [name]);
    expect(audit).toHaveLength(1);
  });

  it('ends the other sessions once, with one audit entry, and replays the 204', async () => {
    const { client, input, user } = await signUp(testApp.server);
    const other = new ApiClient(testApp.server);
    await other.refreshToken();
    await other.post('/v1/auth/login', { email: input.email, password: input.password }).expect(200);
    const key = randomUUID();
    const first = await client.post('/v1/auth/sessions/revoke-others').set('Idempotency-Key', key);
    expect(first.status).toBe(204);
    const replay = await client.post('/v1/auth/sessions/revoke-others').set('Idempotency-Key', key);
    expect(replay.status).toBe(204);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect((await other.get('/v1/auth/me')).status).toBe(401);
    const audit = await query(db(), `SELECT id FROM audit_events WHERE action = 'session.revoked' AND target_id = $1`, [user.id]);
    expect(audit).toHaveLength(1);
  });

  describe('a crash between the change and its response', () => {
    // Test-only fault: kills the request's database connection at the moment its response
    // is being kept, after the change was written in the same transaction.
    const crashKey = `crash-${randomUUID()}`;
    beforeAll(async () => {
      await query(
        db(),
        `CREATE OR REPLACE FUNCTION test_crash_on_keep() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
           IF NEW.key LIKE 'crash-%' THEN PERFORM pg_terminate_backend(pg_backend_pid()); PERFORM pg_sleep(5); END IF;
           RETURN NEW;
         END $$`,
      );
      await query(
        db(),
        `CREATE TRIGGER test_crash_on_keep BEFORE INSERT ON idempotency_keys FOR EACH ROW EXECUTE FUNCTION test_crash_on_keep()`,
      );
    });
    afterAll(async () => {
      await query(db(), 'DROP TRIGGER IF EXISTS test_crash_on_keep ON idempotency_keys');
    });

    it('leaves neither the post nor the key, and a retry then makes exactly one', async () => {
      const { client, user } = await signUp(testApp.server);
      const crashed = await createPost(client, crashKey, { title: 'Crashed' });
      expect(crashed.status).toBeGreaterThanOrEqual(500);
      expect(crashed.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(await postsTitled(user.id, 'Crashed')).toEqual([]);
      expect(await keyRows(user.id, crashKey)).toEqual([]);

      const retryKey = `retry-${randomUUID()}`;
      const retry = await createPost(client, retryKey, { title: 'Crashed' });
      expect(retry.status).toBe(201);
      expect(await postsTitled(user.id, 'Crashed')).toHaveLength(1);
      // The application is still healthy after losing the connection.
      expect((await client.get('/v1/posts')).status).toBe(200);
    });

    it('leaves neither a role nor its audit entry', async () => {
      const { client, user } = await signUp(testApp.server);
      await grantDirectly(user.id, 'admin');
      const name = `crashed-${randomUUID().slice(0, 8)}`;
      const res = await client
        .post('/v1/admin/roles', { name, permissions: ['content.write'] })
        .set('Idempotency-Key', `crash-${randomUUID()}`);
      expect(res.status).toBeGreaterThanOrEqual(500);
      expect(await query(db(), 'SELECT name FROM roles WHERE name = $1', [name])).toEqual([]);
      expect(await query(db(), 'SELECT id FROM audit_events WHERE target_id = $1', [name])).toEqual([]);
    });
  });
});
