import { inject } from 'vitest';
import { applyMigrations } from '../../src/database/migrations.js';
import { ensureApplicationLogin } from '../../src/database/roles.js';
import { databaseChecks } from '../../src/isolation-audit/database-checks.js';
import { createScratchDatabase, query } from '../support/databases.js';

describe('database checks (the isolation audit’s catalog facts)', () => {
  it('all hold on Byline’s migrations with the application’s own role', async () => {
    const checks = await databaseChecks(inject('appDatabaseUrl'), inject('databaseUrl'));
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    const names = checks.map((c) => c.check);
    for (const table of ['posts', 'tags', 'post_tags', 'outbox_events', 'webhook_endpoints', 'webhook_deliveries', 'session', 'user_roles']) {
      expect(names).toContain(`${table}: row-level security enabled and forced`);
      expect(names).toContain(`${table}: a policy for every command`);
    }
    for (const table of ['users', 'session', 'user_roles', 'roles', 'role_permissions', 'audit_events']) {
      expect(names).toContain(`${table}: row-level security enabled and forced`);
      expect(names).toContain(`${table}: every policy on the application confines rows to app.user_id`);
    }
    expect(names).toContain('users.password_hash: the application can neither read nor write it');
    expect(names).toContain('SECURITY DEFINER functions: owned by narrow roles the application is not a member of');
    expect(names.filter((n) => n.endsWith('carries user_id'))).toHaveLength(4);
  });

  it('fail on a forgotten policy, an unforced table, a new tenant table, an open policy, a leaking view and a superuser', async () => {
    const scratch = await createScratchDatabase();
    try {
      await applyMigrations(scratch.url);
      const appUrl = await ensureApplicationLogin(scratch.url);
      await query(scratch.url, `
        DROP POLICY tenant_delete ON posts;
        ALTER TABLE tags NO FORCE ROW LEVEL SECURITY;
        CREATE POLICY everyone ON outbox_events FOR SELECT TO byline_app USING (true);
        CREATE TABLE notes (id uuid PRIMARY KEY, user_id uuid NOT NULL REFERENCES users(id));
        ALTER TABLE post_tags DROP CONSTRAINT post_tags_user_id_tag_id_fkey;
        ALTER TABLE post_tags ADD CONSTRAINT post_tags_tag_id_fkey FOREIGN KEY (tag_id) REFERENCES tags(id);
        ALTER POLICY reader_select ON posts USING (true);
        CREATE OR REPLACE VIEW public_posts AS
          SELECT p.id, p.title, p.slug, p.body, p.editorial_date, p.publish_at AS published_at,
                 u.handle, u.display_name, '[]'::json AS tags, u.email
          FROM posts p JOIN users u ON u.id = p.user_id;
        INSERT INTO users (id, email, handle, display_name, password_hash)
          VALUES ('00000000-0000-4000-8000-000000000001', 'n@example.com', 'n', 'n', 'x');
        INSERT INTO notes VALUES (gen_random_uuid(), '00000000-0000-4000-8000-000000000001');
        INSERT INTO posts (user_id, title, slug, updated_at) VALUES ('00000000-0000-4000-8000-000000000001', 'draft', 'draft', now());`);
      const failed = (await databaseChecks(appUrl, scratch.url)).filter((c) => !c.ok).map((c) => c.check);
      expect(failed).toEqual(
        expect.arrayContaining([
          'posts: a policy for every command',
          'tags: row-level security enabled and forced',
          'outbox_events: every policy on the application confines rows to app.user_id',
          'notes: row-level security enabled and forced',
          'notes: a policy for every command',
          'post_tags_tag_id_fkey: post_tags → tags carries user_id',
          'public view: columns equal the allow-list',
          'public view: its owner’s policies admit only posts already published, of enabled accounts',
          'raw SQL as the application sees only the tenant it sets',
        ]),
      );

      // The platform tables' own facts, one plant each.
      await query(scratch.url, `
        CREATE POLICY everyone ON users FOR SELECT TO byline_app USING (true);
        CREATE POLICY everyone ON "session" FOR SELECT TO byline_app USING (true);
        ALTER TABLE roles NO FORCE ROW LEVEL SECURITY;
        ALTER TABLE audit_events DISABLE ROW LEVEL SECURITY;
        GRANT SELECT (password_hash) ON users TO byline_app;
        GRANT UPDATE ON "session" TO byline_app;
        GRANT SELECT (key) ON login_throttles TO byline_worker;
        ALTER FUNCTION app_has_permission(text) OWNER TO CURRENT_USER;`);
      const platform = (await databaseChecks(appUrl, scratch.url)).filter((c) => !c.ok).map((c) => c.check);
      expect(platform).toEqual(
        expect.arrayContaining([
          'users: every policy on the application confines rows to app.user_id',
          'session: every policy on the application confines rows to app.user_id',
          'session: a policy for every command',
          'roles: row-level security enabled and forced',
          'audit_events: row-level security enabled and forced',
          'users.password_hash: the application can neither read nor write it',
          'login_throttles: neither the application nor the worker reads or writes it but through its functions',
          'SECURITY DEFINER functions: owned by narrow roles the application is not a member of',
          'raw SQL as the application sees only the tenant it sets',
        ]),
      );
      // Each fails on its own plant: these held before them.
      expect(failed).not.toContain('users.password_hash: the application can neither read nor write it');
      expect(failed).not.toContain('SECURITY DEFINER functions: owned by narrow roles the application is not a member of');
      expect(failed).not.toContain('users: every policy on the application confines rows to app.user_id');

      const asOwner = await databaseChecks(scratch.url, scratch.url);
      const role = asOwner.filter((c) => c.check.startsWith('application role'));
      expect(role.map((c) => [c.ok, c.severity])).toEqual([
        [false, 'fail'],
        [false, 'warn'],
      ]);
    } finally {
      await scratch.drop();
    }
  });
});
