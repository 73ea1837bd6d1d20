// Concurrent writers (reschedules, unpublishes, edits, backdating, the author disabled and
// enabled, in transactions that start before they write) racing two instances of the
// clock path: every post's events still alternate published/unpublished from sequence 1,
// and once the clock has caught up its recorded state is what "on the air" says.
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';

describe('the on-air events under a burst of concurrent writes and two clock paths', () => {
  const pool = new pg.Pool({
    connectionString: inject('databaseUrl'),
    max: 12,
  });
  afterAll(() => pool.end());
  it('alternate, once per transition, and end in the true state', async () => {
    const users = [randomUUID(), randomUUID()];
    for (const u of users)
      await pool.query(
        `INSERT INTO users (id, email, handle, display_name, password_hash) VALUES ($1::uuid, $1::text || '@b.test', $1::text, 'B', 'x')`,
        [u],
      );
    const posts: { id: string; user: string }[] = [];
    for (let i = 0; i < 20; i++) {
      const id = randomUUID();
      const user = users[i % 2];
      await pool.query(
        `INSERT INTO posts (id, user_id, title, slug, publish_at, updated_at) VALUES ($1::uuid, $2, 'T', $1::text, now() + random() * interval '2 seconds', now())`,
        [id, user],
      );
      posts.push({ id, user });
    }
    const deadline = Date.now() + 6000;
    let stop = false;
    const job = async () => {
      while (!stop) {
        await pool.query('SELECT publish_due_posts(1000)');
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const writer = async () => {
      while (Date.now() < deadline) {
        const p = posts[Math.floor(Math.random() * posts.length)];
        const r = Math.random();
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          await client.query('SELECT 1');
          await new Promise((res) => setTimeout(res, Math.random() * 50));
          if (r < 0.3)
            await client.query(
              `UPDATE posts SET publish_at = now() + (random() - 0.5) * interval '1 second' WHERE id = $1`,
              [p.id],
            );
          else if (r < 0.45)
            await client.query(
              `UPDATE posts SET publish_at = NULL WHERE id = $1`,
              [p.id],
            );
          else if (r < 0.6)
            await client.query(
              `UPDATE posts SET publish_at = clock_timestamp() WHERE id = $1`,
              [p.id],
            );
          else if (r < 0.8)
            await client.query(
              `UPDATE posts SET title = 'e' || random() WHERE id = $1`,
              [p.id],
            );
          else if (r < 0.9)
            await client.query(
              `UPDATE users SET disabled_at = CASE WHEN disabled_at IS NULL THEN now() ELSE NULL END WHERE id = $1`,
              [p.user],
            );
          else
            await client.query(
              `UPDATE posts SET publish_at = clock_timestamp() - interval '1 year' WHERE id = $1`,
              [p.id],
            );
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        } finally {
          client.release();
        }
      }
    };
    const jobs = [job(), job()];
    await Promise.all(Array.from({ length: 6 }, writer));
    await new Promise((r) => setTimeout(r, 1200));
    stop = true;
    await Promise.all(jobs);
    await pool.query('SELECT publish_due_posts(1000)');
    const bad: string[] = [];
    for (const p of posts) {
      const ev = (
        await pool.query(
          `SELECT type, sequence FROM outbox_events WHERE post_id = $1 ORDER BY sequence`,
          [p.id],
        )
      ).rows;
      const st = (
        await pool.query(
          `SELECT p.on_air, p.air_sequence, (u.disabled_at IS NULL AND p.publish_at <= now()) AS should FROM posts p JOIN users u ON u.id = p.user_id WHERE p.id = $1`,
          [p.id],
        )
      ).rows[0];
      const alternates = ev.every(
        (e, i) =>
          e.sequence === i + 1 &&
          e.type === (i % 2 === 0 ? 'post.published' : 'post.unpublished'),
      );
      const consistent =
        st.on_air === (ev.length % 2 === 1) &&
        st.air_sequence === ev.length &&
        st.on_air === !!st.should;
      if (!alternates || !consistent)
        bad.push(
          `${p.id} ${JSON.stringify(st)} ${ev.map((e) => e.type).join(',')}`,
        );
    }
    expect(bad).toEqual([]);
  }, 60_000);
});
