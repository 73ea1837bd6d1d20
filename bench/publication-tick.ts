// npm run bench:ticks — the publication job's tick time against history: 1,000 and then
// 100,000 posts published within the last 30 days (the retention window the old job
// anti-joined every tick), idle ticks and ticks with 10 newly due posts, and the plan of the
// clock query. Scratch database on DATABASE_URL's server (default: the local one), dropped after.
import pg from 'pg';
import { applyMigrations, withDatabase } from '../src/database/migrations.js';

const server = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const name = `byline_ticks_${process.pid}`;
const admin = new pg.Client({ connectionString: server });
await admin.connect();
await admin.query(`CREATE DATABASE "${name}"`);
const url = withDatabase(server, name);
const db = new pg.Client({ connectionString: url });

/** Recent history: `count` posts gone live at random instants of the last 30 days, through the triggers. */
async function addHistory(count: number, from: number) {
  await db.query(
    `INSERT INTO posts (user_id, title, slug, publish_at, updated_at)
     SELECT u.id, 'Post ' || i, 'post-' || i, now() - random() * interval '30 days', now()
     FROM generate_series($1::int, $1::int + $2::int - 1) i
     JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM users) u ON u.n = i % 1000`,
    [from, count],
  );
  // A realistic rest: scheduled posts (not due) and drafts, 10% each of the history.
  await db.query(
    `INSERT INTO posts (user_id, title, slug, publish_at, updated_at)
     SELECT u.id, 'Later ' || i, 'later-' || i, CASE WHEN i % 2 = 0 THEN now() + (i % 500) * interval '1 hour' END, now()
     FROM generate_series($1::int, $1::int + $2::int / 5 - 1) i
     JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM users) u ON u.n = i % 1000`,
    [from, count],
  );
  await db.query('ANALYZE');
}

/** The job's tick: publish_due_posts in batches of 1,000 until a batch is short. */
async function tick(): Promise<number> {
  const started = process.hrtime.bigint();
  while ((await db.query<{ n: number }>('SELECT publish_due_posts(1000) AS n')).rows[0].n === 1000);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** `n` posts whose publish_at just passed unseen (as if the clock passed it between ticks). */
async function makeDue(n: number, tag: string) {
  await db.query(`SET session_replication_role = replica`);
  await db.query(
    `INSERT INTO posts (user_id, title, slug, publish_at, updated_at)
     SELECT (SELECT id FROM users ORDER BY id LIMIT 1), 'Due', $1 || '-' || i, now() - interval '1 second', now()
     FROM generate_series(1, $2::int) i`,
    [tag, n],
  );
  await db.query(`SET session_replication_role = origin`);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function measure(label: string) {
  const idle: number[] = [];
  const busy: number[] = [];
  for (let i = 0; i < 5; i++) await tick(); // warm-up
  for (let i = 0; i < 50; i++) idle.push(await tick());
  for (let i = 0; i < 30; i++) {
    await makeDue(10, `${label}-${i}`);
    busy.push(await tick());
  }
  return { label, idle: median(idle), busy: median(busy) };
}

try {
  await applyMigrations(url);
  await db.connect();
  await db.query(`
    INSERT INTO users (email, handle, display_name, password_hash)
    SELECT 'u' || i || '@example.com', 'u' || i, 'User ' || i, 'x' FROM generate_series(1, 1000) i`);
  await addHistory(1000, 0);
  const small = await measure('1,000');
  await addHistory(99_000, 1000);
  const large = await measure('100,000');
  const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM posts WHERE on_air AND publish_at > now() - interval '30 days'`);
  console.log(`\nposts on the air, published in the last 30 days: ${rows[0].n}\n`);
  console.log('| recent posts on the air | idle tick (median ms) | tick with 10 due posts (median ms) |');
  console.log('|---|---|---|');
  for (const r of [small, large]) console.log(`| ${r.label} | ${r.idle.toFixed(2)} | ${r.busy.toFixed(2)} |`);
  console.log(`\nratio 100,000 / 1,000: idle ${(large.idle / small.idle).toFixed(2)}, with due posts ${(large.busy / small.busy).toFixed(2)}`);
  await makeDue(10, 'plan');
  const plan = await db.query(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON)
    SELECT id FROM posts
    WHERE NOT on_air AND NOT author_disabled AND publish_at IS NOT NULL AND publish_at <= now()
    ORDER BY publish_at, id LIMIT 1000 FOR UPDATE SKIP LOCKED`);
  console.log(`\n### the clock query (inside publish_due_posts), 10 due among ${rows[0].n}\n${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}`);
} finally {
  await db.end().catch(() => {});
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
}
