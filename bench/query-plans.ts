// Prints the plans of Byline's list queries over a million posts (npm run bench:plans).
// It makes a scratch database on DATABASE_URL's server (default: the local one), seeds
// 2,000 users and 1,000,000 posts, and drops the database at the end.
import pg from 'pg';
import { applyMigrations, withDatabase } from '../src/database/migrations.js';

const server = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const name = `byline_plans_${process.pid}`;
const admin = new pg.Client({ connectionString: server });
await admin.connect();
await admin.query(`CREATE DATABASE "${name}"`);
const url = withDatabase(server, name);
const db = new pg.Client({ connectionString: url });
try {
  await applyMigrations(url);
  await db.connect();
  await db.query(`
    INSERT INTO users (email, handle, display_name, password_hash)
    SELECT 'u' || i || '@example.com', 'u' || i, 'User ' || i, 'x' FROM generate_series(1, 2000) i`);
  await db.query(`
    INSERT INTO posts (user_id, title, slug, body, publish_at, created_at, updated_at)
    SELECT u.id, 'Post ' || i, 'post-' || i, '',
           CASE WHEN i % 10 = 0 THEN NULL ELSE now() + (i % 1000 - 900) * interval '1 hour' END,
           now() - i * interval '1 second', now()
    FROM generate_series(1, 1000000) i
    JOIN (SELECT id, row_number() OVER () AS n FROM users) u ON u.n = i % 2000 + 1`);
  await db.query('ANALYZE');
  const { rows: [someone] } = await db.query(`SELECT id, handle FROM users LIMIT 1 OFFSET 17`);
  const queries: Record<string, [string, unknown[]]> = {
    'GET /v1/posts (mine, second page)': [
      `WITH my_posts AS (SELECT * FROM posts WHERE user_id = $1::uuid)
       SELECT p.id FROM my_posts p WHERE (p.created_at, p.id) < (now() - interval '1 day', gen_random_uuid())
       ORDER BY p.created_at DESC, p.id DESC LIMIT 21`, [someone.id]],
    'GET /v1/posts?status=published': [
      `WITH my_posts AS (SELECT * FROM posts WHERE user_id = $1::uuid)
       SELECT p.id FROM my_posts p WHERE p.publish_at <= now()
       ORDER BY p.created_at DESC, p.id DESC LIMIT 21`, [someone.id]],
    'GET /v1/public/posts': [
      `SELECT p.id FROM posts p JOIN users u ON u.id = p.user_id
       WHERE p.publish_at <= now() AND u.disabled_at IS NULL
       ORDER BY p.publish_at DESC, p.id DESC LIMIT 21`, []],
    'GET /v1/public/authors/:handle/posts': [
      `SELECT p.id FROM posts p JOIN users u ON u.id = p.user_id
       WHERE p.publish_at <= now() AND u.disabled_at IS NULL AND u.handle = $1
       ORDER BY p.publish_at DESC, p.id DESC LIMIT 21`, [someone.handle]],
    'GET /v1/public/authors/:handle/posts/:slug': [
      `SELECT p.id FROM posts p JOIN users u ON u.id = p.user_id
       WHERE p.publish_at <= now() AND u.disabled_at IS NULL AND u.handle = $1 AND p.slug = 'post-18'
       ORDER BY p.publish_at DESC, p.id DESC LIMIT 1`, [someone.handle]],
    'next scheduled publication (Cache-Control)': [
      `SELECT min(p.publish_at) FROM posts p WHERE p.publish_at > now()`, []],
  };
  for (const [label, [text, values]] of Object.entries(queries)) {
    const { rows } = await db.query(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) ${text}`, values);
    console.log(`\n### ${label}\n${rows.map((row) => row['QUERY PLAN']).join('\n')}`);
  }
} finally {
  await db.end().catch(() => {});
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
}
