-- The second wall: PostgreSQL itself confines every tenant row to its owner, whatever the
-- application's code does. This migration runs as the owner of the tables (the migration
-- role); the application connects as a LOGIN role that is a member of byline_app, which
-- owns nothing, is no superuser and has no BYPASSRLS (see src/database/roles.ts).
--
--   byline_app     the application: tenant tables through the tenant policies below,
--                  platform tables (accounts, sessions, roles, audit log) as a request needs
--   byline_worker  the jobs (SET LOCAL ROLE inside their transactions): only the tables and
--                  commands the publication, delivery and housekeeping jobs use
--   byline_reader  owns the public view and function; sees published and scheduled posts,
--                  never a draft, and no column of users but id, handle, name, disabled_at
--   byline_public  may read the public view and call the public function, nothing else
--
-- Roles are cluster-wide and several databases (test runs) may migrate at once, so each is
-- created only when missing and a concurrent creation is not an error.
DO $$
DECLARE
  role_name text;
BEGIN
  FOREACH role_name IN ARRAY ARRAY['byline_app', 'byline_worker', 'byline_reader', 'byline_public'] LOOP
    BEGIN
      EXECUTE format('CREATE ROLE %I NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE', role_name);
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL;
    END;
  END LOOP;
  -- The application may read the public view, and may become the worker in a job's
  -- transaction (SET LOCAL ROLE); the worker's policies check current_user, so merely
  -- inheriting its grants opens no row.
  BEGIN
    GRANT byline_public TO byline_app;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
  END;
  BEGIN
    GRANT byline_worker TO byline_app;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
  END;
END
$$;

GRANT USAGE ON SCHEMA public TO byline_app, byline_worker, byline_reader, byline_public;

-- ---- The application role.
GRANT SELECT, INSERT, UPDATE, DELETE ON
  posts, tags, post_tags, outbox_events, webhook_endpoints, webhook_deliveries, idempotency_keys,
  "session", user_roles, users, roles, role_permissions, login_throttles, job_heartbeats
  TO byline_app;
GRANT SELECT, INSERT ON audit_events TO byline_app;
-- /health/ready reads the migration bookkeeping (absent in a diff's shadow database).
DO $$
BEGIN
  IF to_regclass('_prisma_migrations') IS NOT NULL THEN
    GRANT SELECT ON _prisma_migrations TO byline_app;
  END IF;
END
$$;
-- Tables that later migrations create are the application's too; a new table with a
-- user_id column but no row-level security fails the isolation audit's catalog check.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO byline_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO byline_app;
-- Sequences that exist already (a BIGSERIAL column, say) are used by inserts of both roles.
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO byline_app, byline_worker;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO byline_worker;

-- ---- Tenant tables: enabled and forced (the owner is bound too), one policy per command,
-- on the tenant of the current transaction, set with set_config('app.user_id', …, true).
-- No tenant set: the expression is NULL, so zero rows and every write refused.
DO $$
DECLARE
  t text;
  tenant constant text := $q$user_id = nullif(current_setting('app.user_id', true), '')::uuid$q$;
BEGIN
  FOREACH t IN ARRAY ARRAY['posts', 'tags', 'post_tags', 'outbox_events', 'webhook_endpoints', 'webhook_deliveries', 'idempotency_keys'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_select ON %I FOR SELECT TO byline_app USING (%s)', t, tenant);
    EXECUTE format('CREATE POLICY tenant_insert ON %I FOR INSERT TO byline_app WITH CHECK (%s)', t, tenant);
    EXECUTE format('CREATE POLICY tenant_update ON %I FOR UPDATE TO byline_app USING (%s) WITH CHECK (%s)', t, tenant, tenant);
    EXECUTE format('CREATE POLICY tenant_delete ON %I FOR DELETE TO byline_app USING (%s)', t, tenant);
  END LOOP;
END
$$;

-- ---- Platform tables that carry user_id. A session is found by its sid before anyone is
-- signed in, and roles are read for the signed-in user and granted by admins across
-- accounts: the application role reaches every row, on purpose, and nothing else does.
-- (Declared so in src/isolation-audit/database-checks.ts.)
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['session', 'user_roles'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY platform_select ON %I FOR SELECT TO byline_app USING (true)', t);
    EXECUTE format('CREATE POLICY platform_insert ON %I FOR INSERT TO byline_app WITH CHECK (true)', t);
    EXECUTE format('CREATE POLICY platform_update ON %I FOR UPDATE TO byline_app USING (true) WITH CHECK (true)', t);
    EXECUTE format('CREATE POLICY platform_delete ON %I FOR DELETE TO byline_app USING (true)', t);
  END LOOP;
END
$$;

-- ---- The jobs' role. Its policies admit rows only while current_user is the worker
-- itself (inside a job's SET LOCAL ROLE), never to the application that inherits it.
GRANT SELECT (id, user_id, title, slug, editorial_date, publish_at, first_published_at, created_at, updated_at)
  ON posts TO byline_worker;
GRANT SELECT, INSERT, UPDATE, DELETE ON outbox_events, webhook_deliveries TO byline_worker;
GRANT SELECT, UPDATE (disabled_at) ON webhook_endpoints TO byline_worker;
GRANT SELECT (sid, expire), DELETE ON "session" TO byline_worker;
GRANT SELECT (key, last_failure_at, locked_until), DELETE ON login_throttles TO byline_worker;
GRANT SELECT (user_id, key, expires_at), DELETE ON idempotency_keys TO byline_worker;

CREATE POLICY worker_select ON posts FOR SELECT TO byline_worker USING (current_user = 'byline_worker');
CREATE POLICY worker_select ON outbox_events FOR SELECT TO byline_worker USING (current_user = 'byline_worker');
CREATE POLICY worker_insert ON outbox_events FOR INSERT TO byline_worker WITH CHECK (current_user = 'byline_worker');
CREATE POLICY worker_update ON outbox_events FOR UPDATE TO byline_worker
  USING (current_user = 'byline_worker') WITH CHECK (current_user = 'byline_worker');
CREATE POLICY worker_delete ON outbox_events FOR DELETE TO byline_worker USING (current_user = 'byline_worker');
CREATE POLICY worker_select ON webhook_deliveries FOR SELECT TO byline_worker USING (current_user = 'byline_worker');
CREATE POLICY worker_insert ON webhook_deliveries FOR INSERT TO byline_worker WITH CHECK (current_user = 'byline_worker');
CREATE POLICY worker_update ON webhook_deliveries FOR UPDATE TO byline_worker
  USING (current_user = 'byline_worker') WITH CHECK (current_user = 'byline_worker');
CREATE POLICY worker_delete ON webhook_deliveries FOR DELETE TO byline_worker USING (current_user = 'byline_worker');
CREATE POLICY worker_select ON webhook_endpoints FOR SELECT TO byline_worker USING (current_user = 'byline_worker');
CREATE POLICY worker_update ON webhook_endpoints FOR UPDATE TO byline_worker
  USING (current_user = 'byline_worker') WITH CHECK (current_user = 'byline_worker');
CREATE POLICY worker_select ON "session" FOR SELECT TO byline_worker USING (current_user = 'byline_worker');
CREATE POLICY worker_delete ON "session" FOR DELETE TO byline_worker USING (current_user = 'byline_worker');
CREATE POLICY worker_select ON idempotency_keys FOR SELECT TO byline_worker USING (current_user = 'byline_worker');
CREATE POLICY worker_delete ON idempotency_keys FOR DELETE TO byline_worker USING (current_user = 'byline_worker');

-- ---- Public reading: a security-barrier view owned by byline_reader, which sees published
-- and scheduled posts (the next scheduled instant bounds cache lifetimes) but no draft,
-- and of users only the public columns. Only published posts of enabled authors and only
-- public columns come out of the view.
GRANT SELECT (id, user_id, title, slug, body, editorial_date, publish_at) ON posts TO byline_reader;
GRANT SELECT (id, handle, display_name, disabled_at) ON users TO byline_reader;
GRANT SELECT (id, user_id, name) ON tags TO byline_reader;
GRANT SELECT (user_id, post_id, tag_id) ON post_tags TO byline_reader;
CREATE POLICY reader_select ON posts FOR SELECT TO byline_reader USING (publish_at IS NOT NULL);
CREATE POLICY reader_select ON tags FOR SELECT TO byline_reader USING (true);
CREATE POLICY reader_select ON post_tags FOR SELECT TO byline_reader USING (true);

CREATE VIEW public_posts WITH (security_barrier) AS
SELECT p.id, p.title, p.slug, p.body, p.editorial_date, p.publish_at AS published_at,
       u.handle, u.display_name,
       COALESCE((SELECT json_agg(json_build_object('id', t.id, 'name', t.name) ORDER BY t.name)
                 FROM post_tags pt JOIN tags t ON t.user_id = pt.user_id AND t.id = pt.tag_id
                 WHERE pt.user_id = p.user_id AND pt.post_id = p.id), '[]'::json) AS tags
FROM posts p
JOIN users u ON u.id = p.user_id
WHERE p.publish_at <= now() AND u.disabled_at IS NULL;

-- Whole seconds (at most a day) until the next scheduled post of `author_handle` (of
-- anyone when null) goes live; null when none is scheduled. Reveals no post, only a time.
CREATE FUNCTION public_next_publication(author_handle text) RETURNS integer
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  next_at timestamptz;
BEGIN
  IF author_handle IS NULL THEN
    SELECT min(p.publish_at) INTO next_at FROM posts p WHERE p.publish_at > now();
  ELSE
    SELECT min(p.publish_at) INTO next_at
    FROM posts p JOIN users u ON u.id = p.user_id
    WHERE u.handle = author_handle AND p.publish_at > now();
  END IF;
  RETURN LEAST(floor(extract(epoch FROM next_at - now())), 86400)::integer;
END;
$$;

ALTER VIEW public_posts OWNER TO byline_reader;
ALTER FUNCTION public_next_publication(text) OWNER TO byline_reader;
REVOKE ALL ON public_posts FROM PUBLIC;
REVOKE ALL ON FUNCTION public_next_publication(text) FROM PUBLIC;
GRANT SELECT ON public_posts TO byline_public;
GRANT EXECUTE ON FUNCTION public_next_publication(text) TO byline_public;
