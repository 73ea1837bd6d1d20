// The on-air trigger under concurrency: a write whose transaction began before a post's
// publish_at, but that reaches the row after the clock path put it on the air, must not
// take the post off the air (nor write events for a transition that never happened).
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';

describe('the on-air trigger and a transaction older than the transition', () => {
  const writer = new pg.Client({ connectionString: inject('databaseUrl') });
  const clock = new pg.Client({ connectionString: inject('databaseUrl') });
  beforeAll(async () => {
    await writer.connect();
    await clock.connect();
  });
  afterAll(async () => {
    await writer.end();
    await clock.end();
  });

  it('an edit in a transaction that began before publish_at leaves a live post live, evented once', async () => {
    const userId = randomUUID();
    const postId = randomUUID();
    await clock.query(
      `INSERT INTO users (id, email, handle, display_name, password_hash)
       VALUES ($1::uuid, $1::text || '@stale-clock.test', $1::text, 'Stale clock', 'x')`,
      [userId],
    );
    await clock.query(
      `INSERT INTO posts (id, user_id, title, slug, publish_at, updated_at)
       VALUES ($1::uuid, $2, 'T', $1::text, now() + interval '1 second', now())`,
      [postId, userId],
    );
    // A request transaction (an idempotent POST) begins before publish_at...
    await writer.query('BEGIN');
    await writer.query('SELECT 1');
    // ...the clock passes publish_at and the publication job puts the post on the air...
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await clock.query('SELECT publish_due_posts(1000)');
    // ...and then the request writes the post (an edit that does not move publish_at).
    await writer.query(`UPDATE posts SET title = 'Edited' WHERE id = $1`, [postId]);
    await writer.query('COMMIT');

    const events = await clock.query<{ type: string; sequence: number }>(
      `SELECT type, sequence FROM outbox_events WHERE post_id = $1 ORDER BY sequence`,
      [postId],
    );
    expect(events.rows).toEqual([{ type: 'post.published', sequence: 1 }]);
    const post = await clock.query<{ on_air: boolean }>(`SELECT on_air FROM posts WHERE id = $1`, [postId]);
    expect(post.rows[0].on_air).toBe(true);
  });
});
