// The trigger `posts_on_air` (and the users trigger that feeds it) against the pure rule in
// src/events/on-air.ts, case by case: the same writes, the same events, the same state.
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { type AirState, isOnAir, type PostFacts, transitions } from '../../src/events/on-air.js';

type Write =
  | { kind: 'insert'; after: PostFacts }
  | { kind: 'publishAt'; to: Date | null }
  | { kind: 'delete' }
  | { kind: 'author'; enabled: boolean };

describe('the on-air trigger agrees with the pure rule', () => {
  const db = new pg.Client({ connectionString: inject('databaseUrl') });
  let now: Date;
  beforeAll(async () => {
    await db.connect();
    now = (await db.query<{ now: Date }>('SELECT now() AS now')).rows[0].now;
  });
  afterAll(() => db.end());

  const hours = (h: number) => new Date(now.getTime() + h * 3600_000);

  async function run(recorded: AirState, before: PostFacts | null, write: Write) {
    const userId = randomUUID();
    const enabledBefore = write.kind === 'insert' ? write.after.authorEnabled : before!.authorEnabled;
    await db.query(
      `INSERT INTO users (id, email, handle, display_name, password_hash, disabled_at)
       VALUES ($1::uuid, $1::text || '@on-air.test', $1::text, 'On air', 'x', CASE WHEN $2::boolean THEN NULL ELSE now() END)`,
      [userId, enabledBefore],
    );
    const postId = randomUUID();
    if (before) {
      // The state as recorded, written past the triggers (as if earlier writes had led to it).
      await db.query(`SET session_replication_role = replica`);
      await db.query(
        `INSERT INTO posts (id, user_id, title, slug, publish_at, on_air, air_sequence, author_disabled, updated_at)
         VALUES ($1::uuid, $2, 'T', $1::text, $3, $4, $5, $6, now())`,
        [postId, userId, before.publishAt, recorded.onAir, recorded.sequence, !before.authorEnabled],
      );
      await db.query(`SET session_replication_role = origin`);
    }
    let after: PostFacts | null = before;
    if (write.kind === 'insert') {
      after = write.after;
      await db.query(`INSERT INTO posts (id, user_id, title, slug, publish_at, updated_at) VALUES ($1::uuid, $2, 'T', $1::text, $3, now())`, [
        postId,
        userId,
        write.after.publishAt,
      ]);
    } else if (write.kind === 'publishAt') {
      after = { ...before!, publishAt: write.to };
      await db.query(`UPDATE posts SET publish_at = $2 WHERE id = $1`, [postId, write.to]);
    } else if (write.kind === 'delete') {
      after = null;
      await db.query(`DELETE FROM posts WHERE id = $1`, [postId]);
    } else {
      after = { ...before!, authorEnabled: write.enabled };
      await db.query(`UPDATE users SET disabled_at = CASE WHEN $2::boolean THEN NULL ELSE now() END WHERE id = $1`, [userId, write.enabled]);
    }
    const events = await db.query<{ type: string; sequence: number; publish_at: Date }>(
      `SELECT type, sequence, publish_at FROM outbox_events WHERE post_id = $1 ORDER BY position`,
      [postId],
    );
    const [state] = (await db.query<{ on_air: boolean; air_sequence: number }>(`SELECT on_air, air_sequence FROM posts WHERE id = $1`, [postId])).rows;
    return { events: events.rows, state, after };
  }

  it('in every reachable case', async () => {
    const publishAts = [null, hours(-1), hours(1)];
    const befores: PostFacts[] = [];
    for (const publishAt of publishAts) for (const authorEnabled of [true, false]) befores.push({ publishAt, authorEnabled });
    const writes: Write[] = [
      { kind: 'publishAt', to: null },
      { kind: 'publishAt', to: hours(-2) },
      { kind: 'publishAt', to: hours(2) },
      { kind: 'delete' },
    ];
    const cases: Array<[AirState, PostFacts | null, Write]> = [];
    for (const after of befores) cases.push([{ onAir: false, sequence: 0 }, null, { kind: 'insert', after }]);
    for (const recorded of [{ onAir: false, sequence: 0 }, { onAir: true, sequence: 3 }]) {
      for (const before of befores) {
        // Recorded on while the rule says off cannot arise (only the clock moves a post unwritten).
        if (recorded.onAir && !isOnAir(before, now)) continue;
        for (const write of [...writes, { kind: 'author', enabled: !before.authorEnabled } as Write]) cases.push([recorded, before, write]);
      }
    }
    for (const [recorded, before, write] of cases) {
      const { events, state, after } = await run(recorded, before, write);
      const expected = transitions(recorded, before, after, now);
      const label = JSON.stringify({ recorded, before, write });
      expect(events.map((e) => [e.type, e.sequence]), label).toEqual(expected.events.map((e) => [e.type, e.sequence]));
      expect(
        events.map((e) => e.publish_at.getTime()),
        label,
      ).toEqual(expected.events.map((e) => (e.of === 'before' ? before : after)!.publishAt!.getTime()));
      if (after) expect(state, label).toEqual({ on_air: expected.state.onAir, air_sequence: expected.state.sequence });
    }
    expect(cases.length).toBeGreaterThan(40);
  });

  it('deleting an author with live posts writes nothing and fails nothing', async () => {
    const userId = randomUUID();
    await db.query(`INSERT INTO users (id, email, handle, display_name, password_hash) VALUES ($1::uuid, $1::text || '@gone.test', $1::text, 'Gone', 'x')`, [userId]);
    await db.query(`INSERT INTO posts (user_id, title, slug, publish_at, updated_at) VALUES ($1, 'Live', 'live', now() - interval '1 hour', now())`, [userId]);
    expect((await db.query(`SELECT 1 FROM outbox_events WHERE user_id = $1`, [userId])).rowCount).toBe(1);
    await db.query(`DELETE FROM users WHERE id = $1`, [userId]);
    expect((await db.query(`SELECT 1 FROM outbox_events WHERE user_id = $1`, [userId])).rowCount).toBe(0);
  });
});
