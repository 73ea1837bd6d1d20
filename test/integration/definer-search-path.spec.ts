// A SECURITY DEFINER function whose search_path does not name pg_temp searches the
// caller's temporary schema FIRST for tables (PostgreSQL's documented pitfall). The
// application may create temporary tables and may become byline_worker, which calls
// publish_due_posts: with `users` shadowed by a temporary table, the clock (running as
// byline_publisher, and its posts_on_air trigger under the same search_path) read another
// account as disabled and wrote author_disabled onto that account's real post, which then
// never went on air nor told its webhooks.
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { databaseChecks } from '../../src/isolation-audit/database-checks.js';
import { connect, query } from '../support/databases.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function account() {
  const tag = randomUUID().slice(0, 8);
  const [row] = await query<{ id: string }>(
    inject('databaseUrl'),
    `INSERT INTO users (email, handle, display_name, password_hash) VALUES ($1, $2, 'Temp', 'x') RETURNING id`,
    [`temp-${tag}@example.com`, `temp-${tag}`],
  );
  return row.id;
}

describe('SECURITY DEFINER functions and the caller’s temporary schema', () => {
  it('every one names pg_temp, last, in its search_path', async () => {
    const rows = await query<{ name: string; config: string[] | null }>(
      inject('databaseUrl'),
      `SELECT proname AS name, proconfig AS config FROM pg_proc
       WHERE pronamespace = 'public'::regnamespace AND prosecdef ORDER BY 1`,
    );
    const unpinned = rows
      .filter((f) => !/^search_path=.*\bpg_temp"?$/.test(f.config?.find((c) => c.startsWith('search_path=')) ?? ''))
      .map((f) => f.name);
    expect(unpinned).toEqual([]);
    const checks = await databaseChecks(inject('appDatabaseUrl'), inject('databaseUrl'));
    expect(checks.find((c) => c.check === 'SECURITY DEFINER functions: search_path pinned, pg_temp last')?.ok).toBe(true);
  });

  it('the clock, called by the application as the worker, ignores a temporary `users`', async () => {
    const victim = await account();
    const attacker = await account();
    const [post] = await query<{ id: string }>(
      inject('databaseUrl'),
      `INSERT INTO posts (user_id, title, slug, publish_at, updated_at)
       VALUES ($1, 'due', $2, now() + interval '300 milliseconds', now()) RETURNING id`,
      [victim, `due-${randomUUID()}`],
    );
    await sleep(500);
    const app = await connect(inject('appDatabaseUrl'));
    try {
      await app.query('BEGIN');
      await app.query(`SELECT set_config('app.user_id', $1, true)`, [attacker]);
      await app.query(`CREATE TEMP TABLE users (id uuid, disabled_at timestamptz, handle text) ON COMMIT DROP`);
      await app.query(`INSERT INTO pg_temp.users VALUES ($1, now(), 'x')`, [victim]);
      await app.query(`GRANT SELECT ON pg_temp.users TO byline_publisher`);
      await app.query(`SET LOCAL ROLE byline_worker`);
      await app.query(`SELECT publish_due_posts(1000)`);
      await app.query('COMMIT');
    } finally {
      await app.end();
    }
    const [row] = await query<{ on_air: boolean; author_disabled: boolean }>(
      inject('databaseUrl'),
      `SELECT on_air, author_disabled FROM posts WHERE id = $1`,
      [post.id],
    );
    expect(row).toEqual({ on_air: true, author_disabled: false });
  });
});
