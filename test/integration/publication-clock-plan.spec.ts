// The clock path's cost follows what is due, not the history: its query reads the partial
// index of posts not on the air, never the posts already live.
import pg from 'pg';
import { applyMigrations } from '../../src/database/migrations.js';
import { createScratchDatabase } from '../support/databases.js';

const dueQuery = `SELECT id FROM posts
    WHERE NOT on_air AND NOT author_disabled AND publish_at IS NOT NULL AND publish_at <= now()
    ORDER BY publish_at, id LIMIT batch FOR UPDATE SKIP LOCKED`;

describe('the publication clock query', () => {
  it('reads only the due posts through posts_due_on_air_idx, whatever the live history', async () => {
    const scratch = await createScratchDatabase();
    const db = new pg.Client({ connectionString: scratch.url });
    try {
      await applyMigrations(scratch.url);
      await db.connect();
      // The function runs exactly this query (whitespace aside).
      const [{ prosrc }] = (await db.query<{ prosrc: string }>(`SELECT prosrc FROM pg_proc WHERE proname = 'publish_due_posts'`)).rows;
      const squash = (text: string) => text.replace(/\s+/g, ' ').trim();
      expect(squash(prosrc)).toContain(squash(dueQuery));

      await db.query(`INSERT INTO users (email, handle, display_name, password_hash) SELECT 'u' || i || '@x.test', 'u' || i, 'U', 'x' FROM generate_series(1, 100) i`);
      // History written past the triggers: 30,000 posts live within the last 30 days, and 20
      // whose publish_at passed unseen.
      await db.query(`SET session_replication_role = replica`);
      await db.query(`
        INSERT INTO posts (user_id, title, slug, publish_at, on_air, air_sequence, updated_at)
        SELECT u.id, 'P', 'p-' || i, now() - random() * interval '30 days', true, 1, now()
        FROM generate_series(1, 30000) i JOIN (SELECT id, row_number() OVER () - 1 AS n FROM users) u ON u.n = i % 100`);
      await db.query(`
        INSERT INTO posts (user_id, title, slug, publish_at, updated_at)
        SELECT (SELECT id FROM users LIMIT 1), 'Due', 'due-' || i, now() - interval '1 minute', now() FROM generate_series(1, 20) i`);
      await db.query(`SET session_replication_role = origin`);
      await db.query('ANALYZE posts');

      const plan = (await db.query(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) ${dueQuery.replace('LIMIT batch', 'LIMIT 1000')}`)).rows
        .map((row) => row['QUERY PLAN'])
        .join('\n');
      // An index scan or a bitmap scan of the partial index: either way 20 rows, not 30,020
      // (PostgreSQL 18 prints actual rows with two decimals).
      expect(plan).toMatch(/Index Scan (using|on) posts_due_on_air_idx( on posts)? \(actual rows=20(\.00)? loops=1\)/);
      expect(plan).not.toMatch(/Seq Scan/);

      expect((await db.query(`SELECT publish_due_posts(1000) AS n`)).rows[0].n).toBe(20);
      expect((await db.query(`SELECT count(*)::int AS n FROM outbox_events WHERE type = 'post.published'`)).rows[0].n).toBe(20);
      expect((await db.query(`SELECT publish_due_posts(1000) AS n`)).rows[0].n).toBe(0);
    } finally {
      await db.end().catch(() => {});
      await scratch.drop();
    }
  });
});
