import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { asTenant, connect } from '../support/databases.js';

// The second wall on its own: hand-written SQL as the application's role (and as the public
// and jobs' roles), with no application code in between.
const tenantTables = ['posts', 'tags', 'post_tags', 'outbox_events', 'webhook_endpoints', 'webhook_deliveries'];

interface Tenant {
  id: string;
  handle: string;
  email: string;
  draft: string;
  scheduled: string;
  published: string;
  tag: string;
  endpoint: string;
  event: string;
}

async function seedTenant(owner: pg.Client): Promise<Tenant> {
  const tag = randomUUID().slice(0, 8);
  const handle = `rls-${tag}`;
  const email = `rls-${tag}@example.com`;
  const one = async (sql: string, values: unknown[]) => (await owner.query<{ id: string }>(sql, values)).rows[0].id;
  const id = await one(
    `INSERT INTO users (email, handle, display_name, password_hash) VALUES ($1, $2, $2, 'x') RETURNING id`,
    [email, handle],
  );
  const post = (slug: string, publishAt: string | null) =>
    one(`INSERT INTO posts (user_id, title, slug, publish_at, updated_at) VALUES ($1, $2, $2, $3, now()) RETURNING id`, [
      id,
      `${slug}-${tag}`,
      publishAt,
    ]);
  const draft = await post('draft', null);
  const scheduled = await post('scheduled', '2999-01-01T00:00:00Z');
  const published = await post('published', '2001-01-01T00:00:00Z');
  const tagId = await one(`INSERT INTO tags (user_id, name) VALUES ($1, $2) RETURNING id`, [id, `tag-${tag}`]);
  await owner.query(`INSERT INTO post_tags (user_id, post_id, tag_id) VALUES ($1, $2, $3), ($1, $4, $3)`, [
    id,
    published,
    tagId,
    draft,
  ]);
  const endpoint = await one(
    `INSERT INTO webhook_endpoints (user_id, url, events, secret) VALUES ($1, 'https://example.com/h', '{post.published}', 'secret-${tag}') RETURNING id`,
    [id],
  );
  // Written by the post's own on-air trigger (publication transitions), before the endpoint existed.
  const event = await one(`SELECT id FROM outbox_events WHERE post_id = $1 AND type = 'post.published'`, [published]);
  await owner.query(`INSERT INTO webhook_deliveries (user_id, endpoint_id, event_id) VALUES ($1, $2, $3)`, [id, endpoint, event]);
  return { id, handle, email, draft, scheduled, published, tag: tagId, endpoint, event };
}

describe('row-level security', () => {
  let owner: pg.Client;
  let app: pg.Client;
  let a: Tenant;
  let b: Tenant;

  beforeAll(async () => {
    owner = await connect(inject('databaseUrl'));
    app = await connect(inject('appDatabaseUrl'));
    a = await seedTenant(owner);
    b = await seedTenant(owner);
  });
  afterAll(async () => {
    await app?.end();
    await owner?.end();
  });

  it('connects the application as a role that owns nothing, is no superuser and cannot bypass RLS', async () => {
    const { rows } = await app.query(`
      SELECT r.rolsuper, r.rolbypassrls,
             EXISTS (SELECT 1 FROM pg_class c WHERE c.relowner = r.oid) AS owns_tables,
             pg_has_role(current_user, 'byline_app', 'MEMBER') AS app_member
      FROM pg_roles r WHERE r.rolname = current_user`);
    expect(rows).toEqual([{ rolsuper: false, rolbypassrls: false, owns_tables: false, app_member: true }]);
  });

  it('shows B only B’s rows in every tenant table, with hand-written SQL', async () => {
    for (const table of tenantTables) {
      const rows = await asTenant(app, b.id, async () => (await app.query(`SELECT * FROM ${table}`)).rows);
      expect(rows.length, table).toBeGreaterThan(0);
      expect(rows.filter((row) => row.user_id !== b.id), table).toEqual([]);
    }
  });

  it('shows nothing, and refuses every write, when no tenant is set', async () => {
    for (const table of tenantTables) {
      const rows = await asTenant(app, null, async () => (await app.query(`SELECT * FROM ${table}`)).rows);
      expect(rows, table).toEqual([]);
    }
    await expect(
      asTenant(app, null, () => app.query(`INSERT INTO tags (user_id, name) VALUES ($1, 'none set')`, [b.id])),
    ).rejects.toMatchObject({ code: '42501' });
    const updated = await asTenant(app, null, () => app.query(`UPDATE posts SET title = 'x'`));
    expect(updated.rowCount).toBe(0);
  });

  it('refuses B’s inserts and updates of A’s rows, and giving a row to A', async () => {
    await expect(
      asTenant(app, b.id, () => app.query(`INSERT INTO tags (user_id, name) VALUES ($1, 'planted')`, [a.id])),
    ).rejects.toMatchObject({ code: '42501' });
    await expect(
      asTenant(app, b.id, () =>
        app.query(`INSERT INTO posts (user_id, title, slug, updated_at) VALUES ($1, 'p', $2, now())`, [a.id, randomUUID()]),
      ),
    ).rejects.toMatchObject({ code: '42501' });
    for (const table of tenantTables) {
      const result = await asTenant(app, b.id, () => app.query(`UPDATE ${table} SET user_id = user_id WHERE user_id = $1`, [a.id]));
      expect(result.rowCount, table).toBe(0);
      const deleted = await asTenant(app, b.id, () => app.query(`DELETE FROM ${table} WHERE user_id = $1`, [a.id]));
      expect(deleted.rowCount, table).toBe(0);
    }
    await expect(
      asTenant(app, b.id, () => app.query(`UPDATE tags SET user_id = $1 WHERE id = $2`, [a.id, b.tag])),
    ).rejects.toMatchObject({ code: '42501' });
    const [{ count }] = (await owner.query(`SELECT count(*)::int AS count FROM tags WHERE user_id = $1`, [a.id])).rows;
    expect(count).toBe(1);
  });

  it('keeps the tenant inside its transaction: the next transaction on the connection has none', async () => {
    await asTenant(app, b.id, async () => undefined);
    const { rows } = await app.query(`SELECT count(*)::int AS n FROM posts`);
    expect(rows[0].n).toBe(0);
  });

  it('refuses links between two users’ rows whatever the code does (composite foreign keys)', async () => {
    // As the owner, beneath row-level security: the keys alone refuse the link.
    await expect(
      owner.query(`INSERT INTO post_tags (user_id, post_id, tag_id) VALUES ($1, $2, $3)`, [b.id, b.published, a.tag]),
    ).rejects.toMatchObject({ code: '23503' });
    await expect(
      owner.query(`INSERT INTO post_tags (user_id, post_id, tag_id) VALUES ($1, $2, $3)`, [a.id, b.published, a.tag]),
    ).rejects.toMatchObject({ code: '23503' });
    await expect(
      owner.query(`INSERT INTO webhook_deliveries (user_id, endpoint_id, event_id) VALUES ($1, $2, $3)`, [b.id, b.endpoint, a.event]),
    ).rejects.toMatchObject({ code: '23503' });
  });

  describe('the public role', () => {
    async function asPublic<T>(fn: () => Promise<T>): Promise<T> {
      await owner.query('BEGIN');
      try {
        await owner.query('SET LOCAL ROLE byline_public');
        return await fn();
      } finally {
        await owner.query('ROLLBACK');
      }
    }

    it('reads published posts of enabled authors through the view, and only public columns', async () => {
      const rows = await asPublic(async () => (await owner.query(`SELECT * FROM public_posts WHERE handle = ANY($1)`, [[a.handle, b.handle]])).rows);
      expect(rows.map((r) => r.id)).toHaveLength(2);
      expect(rows.map((r) => r.id)).toEqual(expect.arrayContaining([a.published, b.published]));
      expect(Object.keys(rows[0]).sort()).toEqual(
        ['body', 'display_name', 'editorial_date', 'handle', 'id', 'published_at', 'slug', 'tags', 'title'].sort(),
      );
      expect(JSON.stringify(rows)).not.toContain(a.email);
      expect(rows.find((r) => r.id === a.published).tags).toEqual([{ id: a.tag, name: expect.any(String) }]);
    });

    it('cannot see a draft, a scheduled post, an email or a secret, even with hand-written SQL', async () => {
      for (const sql of [
        'SELECT * FROM posts',
        'SELECT email FROM users',
        'SELECT id FROM users',
        'SELECT * FROM tags',
        'SELECT * FROM webhook_endpoints',
        'SELECT * FROM "session"',
      ]) {
        await expect(asPublic(() => owner.query(sql)), sql).rejects.toMatchObject({ code: '42501' });
      }
      const hidden = await asPublic(
        async () => (await owner.query(`SELECT id FROM public_posts WHERE id = ANY($1)`, [[a.draft, a.scheduled]])).rows,
      );
      expect(hidden).toEqual([]);
      // Only when the next one goes live, never which post it is.
      const [{ ms }] = await asPublic(
        async () => (await owner.query(`SELECT public_next_publication($1) AS ms`, [a.handle])).rows,
      );
      expect(ms).toBe(86400000);
    });

    it('lets no function in a query’s WHERE see a post that is not live, though the view is not a barrier', async () => {
      // The classic attack on a view: a cheap function that records every row it is shown,
      // which a planner may run before the view's own conditions. The filter is in the view
      // owner's policies, which PostgreSQL applies before any condition of the query. (In
      // our trials PostgreSQL 15 also ran the view's own WHERE first, so this guards the
      // outcome; the policy is what guarantees it, and the database check proves the policy.)
      const probe = `leak_probe_${randomUUID().slice(0, 8)}`;
      await owner.query(`CREATE TABLE ${probe}_seen (title text)`);
      await owner.query(`
        CREATE FUNCTION ${probe}(title text) RETURNS boolean LANGUAGE plpgsql COST 0.0000001 SECURITY DEFINER AS $$
        BEGIN INSERT INTO ${probe}_seen VALUES (title); RETURN true; END $$`);
      await owner.query(`GRANT EXECUTE ON FUNCTION ${probe}(text) TO byline_public`);
      try {
        await owner.query('BEGIN');
        try {
          await owner.query('SET LOCAL ROLE byline_public');
          // A sequential scan, so that no condition is an index condition applied first anyway.
          await owner.query('SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off');
          const rows = (await owner.query(`SELECT id FROM public_posts WHERE ${probe}(title) AND handle = $1`, [a.handle])).rows;
          expect(rows.map((r) => r.id)).toEqual([a.published]);
          await owner.query('RESET ROLE');
          const seen = (await owner.query<{ title: string }>(`SELECT title FROM ${probe}_seen`)).rows.map((r) => r.title);
          // It ran (so it was given rows), and never on the draft or the scheduled post.
          expect(seen.length).toBeGreaterThan(0);
          expect(seen.filter((t) => t.startsWith('draft-') || t.startsWith('scheduled-'))).toEqual([]);
        } finally {
          await owner.query('ROLLBACK');
        }
      } finally {
        await owner.query(`DROP FUNCTION ${probe}(text); DROP TABLE ${probe}_seen`);
      }
    });

    it('hides the posts of a disabled author', async () => {
      await owner.query('BEGIN');
      try {
        await owner.query(`UPDATE users SET disabled_at = now() WHERE id = $1`, [a.id]);
        await owner.query('SET LOCAL ROLE byline_public');
        const rows = (await owner.query(`SELECT id FROM public_posts WHERE handle = $1`, [a.handle])).rows;
        expect(rows).toEqual([]);
      } finally {
        await owner.query('ROLLBACK');
      }
    });
  });

  describe('the jobs’ role', () => {
    async function asWorker<T>(fn: () => Promise<T>): Promise<T> {
      await app.query('BEGIN');
      try {
        await app.query('SET LOCAL ROLE byline_worker');
        return await fn();
      } finally {
        await app.query('ROLLBACK');
      }
    }

    it('reads every author’s posts for events, and writes events and deliveries', async () => {
      const ids = await asWorker(async () => {
        const posts = await app.query(
          `SELECT id, title, slug, publish_at, on_air, air_sequence, author_disabled FROM posts WHERE user_id = ANY($1)`,
          [[a.id, b.id]],
        );
        await app.query(
          `INSERT INTO outbox_events (user_id, type, post_id, sequence, publish_at, data) VALUES ($1, 'post.test', $2, 100, now(), '{}')`,
          [a.id, a.published],
        );
        // The fair claim leases an endpoint and records why an attempt failed.
        await app.query(`UPDATE webhook_deliveries SET attempts = attempts + 1, last_error = 'x' WHERE user_id = ANY($1)`, [[a.id, b.id]]);
        await app.query(`UPDATE webhook_endpoints SET busy_until = now() WHERE id = $1`, [a.endpoint]);
        await app.query(`UPDATE webhook_endpoints SET disabled_at = now(), busy_until = NULL WHERE id = $1`, [a.endpoint]);
        return posts.rows.map((r) => r.id);
      });
      expect(ids).toHaveLength(6);
      expect(ids).toEqual(expect.arrayContaining([a.draft, a.scheduled, a.published, b.draft, b.scheduled, b.published]));
    });

    it('can do nothing else: no post bodies, no post writes, no accounts, no tags', async () => {
      for (const sql of [
        'SELECT body FROM posts',
        `UPDATE posts SET title = 'x'`,
        'UPDATE posts SET on_air = true',
        'DELETE FROM posts',
        'SELECT email FROM users',
        'SELECT password_hash FROM users',
        'SELECT * FROM tags',
        'SELECT * FROM post_tags',
        'SELECT sess FROM "session"',
        'SELECT * FROM user_roles',
        'SELECT * FROM audit_events',
        `UPDATE webhook_endpoints SET url = 'https://evil.example/'`,
        'INSERT INTO webhook_endpoints (user_id, url, events, secret) SELECT user_id, url, events, secret FROM webhook_endpoints',
      ]) {
        await expect(asWorker(() => app.query(sql)), sql).rejects.toMatchObject({ code: '42501' });
      }
    });

    it('moves every author’s due posts on the air through publish_due_posts, a role bound by policies', async () => {
      // The function belongs to byline_publisher (no superuser, no BYPASSRLS), so this is what
      // a non-superuser migration owner gets too.
      const [{ owner: functionOwner, bypasses }] = (
        await owner.query(`SELECT r.rolname AS owner, r.rolsuper OR r.rolbypassrls AS bypasses
                           FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner WHERE p.proname = 'publish_due_posts'`)
      ).rows;
      expect({ functionOwner, bypasses }).toEqual({ functionOwner: 'byline_publisher', bypasses: false });
      const due = (
        await owner.query<{ id: string }>(
          `INSERT INTO posts (user_id, title, slug, publish_at, updated_at)
           VALUES ($1, 'due', $2, clock_timestamp() + interval '200 milliseconds', now()) RETURNING id`,
          [a.id, `due-${randomUUID().slice(0, 8)}`],
        )
      ).rows[0].id;
      try {
        await new Promise((resolve) => setTimeout(resolve, 400));
        const seen = await asWorker(async () => {
          await app.query('SELECT publish_due_posts(100)');
          const post = (await app.query(`SELECT on_air FROM posts WHERE id = $1`, [due])).rows[0];
          const events = (await app.query(`SELECT id, type FROM outbox_events WHERE post_id = $1`, [due])).rows;
          const deliveries = (
            await app.query(`SELECT endpoint_id FROM webhook_deliveries WHERE event_id = ANY($1)`, [events.map((e) => e.id)])
          ).rows;
          return { onAir: post.on_air, types: events.map((e) => e.type), endpoints: deliveries.map((d) => d.endpoint_id) };
        });
        expect(seen).toEqual({ onAir: true, types: ['post.published'], endpoints: [a.endpoint] });
      } finally {
        await owner.query('DELETE FROM posts WHERE id = $1', [due]);
      }
    });

    it('takes a disabled author’s posts off the air when an administrator disables them', async () => {
      const admin = (
        await owner.query<{ id: string }>(
          `INSERT INTO users (email, handle, display_name, password_hash) VALUES ($1, $1, $1, 'x') RETURNING id`,
          [`rls-admin-${randomUUID().slice(0, 8)}@example.com`],
        )
      ).rows[0].id;
      await owner.query(`INSERT INTO user_roles (user_id, role_name) VALUES ($1, 'admin')`, [admin]);
      // With no tenant (and as the author itself) the account is out of reach: nothing changes.
      for (const tenant of [null, a.id]) {
        const updated = await asTenant(app, tenant, async () =>
          (await app.query('UPDATE users SET disabled_at = now() WHERE id = $1', [a.id])).rowCount,
        );
        expect(updated, `tenant ${tenant}`).toBe(0);
      }
      const seen = await asTenant(app, admin, async () => {
        await app.query('UPDATE users SET disabled_at = now() WHERE id = $1', [a.id]);
        await app.query('SET LOCAL ROLE byline_worker');
        const post = (await app.query(`SELECT on_air, author_disabled FROM posts WHERE id = $1`, [a.published])).rows[0];
        const types = (await app.query(`SELECT type FROM outbox_events WHERE post_id = $1 ORDER BY sequence`, [a.published])).rows;
        return { post, types: types.map((t) => t.type) };
      });
      expect(seen).toEqual({ post: { on_air: false, author_disabled: true }, types: ['post.published', 'post.unpublished'] });
    });

    it('is the only role that may call the clock', async () => {
      await expect(asTenant(app, a.id, () => app.query('SET LOCAL ROLE byline_public; SELECT publish_due_posts(1)'))).rejects.toMatchObject({
        code: '42501',
      });
    });

    it('opens no row to the application merely because it may become the worker', async () => {
      const rows = await asTenant(app, null, async () => (await app.query('SELECT * FROM outbox_events')).rows);
      expect(rows).toEqual([]);
    });
  });
});
