-- Platform tables behind row-level security (issue 11, "platform tables not readable through
-- the tenant-scoped connection beyond what the request needs").
--
-- Before: session and user_roles were forced but open to the application (USING (true));
-- users, roles, role_permissions and audit_events had no row-level security at all, and the
-- application could read every password hash. After: the application (byline_app) sees its
-- own account, sessions and roles; others' only with the permission the route that needs them
-- requires, as the database judges it (app_has_permission); no password hash at all. The few
-- paths that must act before or beyond the tenant go through SECURITY DEFINER functions that
-- take exactly what the caller already knows (a session id, an email at sign-in), each owned
-- by a NOLOGIN role that nobody is a member of and whose policies admit rows only while it is
-- current_user, i.e. inside its functions:
--
--   byline_access    app_has_permission(permission): does the tenant of this transaction, an
--                    enabled account, hold the permission (admin holds every one)?
--   byline_sessions  the session store: read, insert, save and end one session by its sid
--   byline_accounts  sign-in (credentials by email), the tenant's own password hash, sign-up
--   byline_operator  the command line (npm run cli): the migration owner becomes it with
--                    SET LOCAL ROLE; granted to the owner only, never to byline_app
--
-- Roles are cluster-wide and several databases (test runs) may migrate at once, so each is
-- created only when missing and a concurrent creation is not an error.
DO $$
DECLARE
  role_name text;
BEGIN
  FOREACH role_name IN ARRAY ARRAY['byline_access', 'byline_sessions', 'byline_accounts', 'byline_operator'] LOOP
    BEGIN
      EXECUTE format('CREATE ROLE %I NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE', role_name);
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL;
    END;
  END LOOP;
  -- The operator tool runs as the owner of the tables (MIGRATION_DATABASE_URL).
  BEGIN
    EXECUTE format('GRANT byline_operator TO %I', current_user);
  EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
  END;
END
$$;

GRANT USAGE ON SCHEMA public TO byline_access, byline_sessions, byline_accounts, byline_operator;

-- ---- Row-level security on every platform table (session and user_roles had it already).
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
ALTER TABLE roles ENABLE ROW LEVEL SECURITY;
ALTER TABLE roles FORCE ROW LEVEL SECURITY;
ALTER TABLE role_permissions ENABLE ROW LEVEL SECURITY;
ALTER TABLE role_permissions FORCE ROW LEVEL SECURITY;
ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_events FORCE ROW LEVEL SECURITY;

DROP POLICY platform_select ON "session";
DROP POLICY platform_insert ON "session";
DROP POLICY platform_update ON "session";
DROP POLICY platform_delete ON "session";
DROP POLICY platform_select ON user_roles;
DROP POLICY platform_insert ON user_roles;
DROP POLICY platform_update ON user_roles;
DROP POLICY platform_delete ON user_roles;

-- ---- The permission check. Evaluated against the tenant of the transaction only: there is
-- no argument naming a user, so it cannot be asked about anyone else. Policies call it as
-- (SELECT app_has_permission('…')), once per statement.
GRANT SELECT (id, disabled_at) ON users TO byline_access;
GRANT SELECT (user_id, role_name) ON user_roles TO byline_access;
GRANT SELECT (role_name, permission) ON role_permissions TO byline_access;
CREATE POLICY access_select ON users FOR SELECT TO byline_access USING (current_user = 'byline_access');
CREATE POLICY access_select ON user_roles FOR SELECT TO byline_access USING (current_user = 'byline_access');
CREATE POLICY access_select ON role_permissions FOR SELECT TO byline_access USING (current_user = 'byline_access');

CREATE FUNCTION app_has_permission(permission text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT EXISTS (
    SELECT 1 FROM users u JOIN user_roles ur ON ur.user_id = u.id
    WHERE u.id = nullif(current_setting('app.user_id', true), '')::uuid AND u.disabled_at IS NULL
      -- admin holds every permission, including ones added after its rows were written.
      AND (ur.role_name = 'admin'
           OR EXISTS (SELECT 1 FROM role_permissions rp
                      WHERE rp.role_name = ur.role_name AND rp.permission = app_has_permission.permission)))
$$;
ALTER FUNCTION app_has_permission(text) OWNER TO byline_access;
REVOKE ALL ON FUNCTION app_has_permission(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_has_permission(text) TO byline_app;

-- ---- What the application role may do directly. Privileges first (columns where a row
-- policy cannot help), then one policy per granted command.
REVOKE ALL ON users, "session", user_roles, roles, role_permissions, audit_events FROM byline_app;

-- users: never password_hash. Its own row always; every row for the administration routes
-- (users.read lists, users.manage disables, roles.manage grants to and counts admins).
-- Sign-up, sign-in and the password change go through byline_accounts' functions below.
GRANT SELECT (id, email, handle, display_name, disabled_at, created_at) ON users TO byline_app;
GRANT UPDATE (disabled_at) ON users TO byline_app;
CREATE POLICY app_select ON users FOR SELECT TO byline_app USING (
  id = nullif(current_setting('app.user_id', true), '')::uuid
  OR (SELECT app_has_permission('users.read'))
  OR (SELECT app_has_permission('users.manage'))
  OR (SELECT app_has_permission('roles.manage')));
CREATE POLICY app_update ON users FOR UPDATE TO byline_app
  USING ((SELECT app_has_permission('users.manage')))
  WITH CHECK ((SELECT app_has_permission('users.manage')));

-- session: the user's own sessions only (list them, end one). Reading, writing and ending a
-- session by its sid (the store, before anyone is signed in), and ending every session of an
-- account (one's own but this one, or another's with users.manage: an administrator
-- disabling it) go through byline_sessions' functions: no one ever reads another user's sid.
GRANT SELECT, DELETE ON "session" TO byline_app;
CREATE POLICY app_select ON "session" FOR SELECT TO byline_app
  USING (user_id = nullif(current_setting('app.user_id', true), '')::uuid);
CREATE POLICY app_delete ON "session" FOR DELETE TO byline_app
  USING (user_id = nullif(current_setting('app.user_id', true), '')::uuid);

-- user_roles: one's own grants always; others' for the administration routes; granting and
-- revoking only with roles.manage (an author cannot make itself admin, even with raw SQL).
GRANT SELECT, INSERT, DELETE ON user_roles TO byline_app;
CREATE POLICY app_select ON user_roles FOR SELECT TO byline_app USING (
  user_id = nullif(current_setting('app.user_id', true), '')::uuid
  OR (SELECT app_has_permission('users.read'))
  OR (SELECT app_has_permission('users.manage'))
  OR (SELECT app_has_permission('roles.manage')));
CREATE POLICY app_insert ON user_roles FOR INSERT TO byline_app
  WITH CHECK ((SELECT app_has_permission('roles.manage')));
CREATE POLICY app_delete ON user_roles FOR DELETE TO byline_app
  USING ((SELECT app_has_permission('roles.manage')));

-- roles and role_permissions: the roles one holds (to resolve one's own permissions); all of
-- them, and every change, with roles.manage.
GRANT SELECT, INSERT, UPDATE, DELETE ON roles, role_permissions TO byline_app;
CREATE POLICY app_select ON roles FOR SELECT TO byline_app USING (
  EXISTS (SELECT 1 FROM user_roles ur
          WHERE ur.user_id = nullif(current_setting('app.user_id', true), '')::uuid AND ur.role_name = roles.name)
  OR (SELECT app_has_permission('roles.manage')));
CREATE POLICY app_select ON role_permissions FOR SELECT TO byline_app USING (
  EXISTS (SELECT 1 FROM user_roles ur
          WHERE ur.user_id = nullif(current_setting('app.user_id', true), '')::uuid AND ur.role_name = role_permissions.role_name)
  OR (SELECT app_has_permission('roles.manage')));
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['roles', 'role_permissions'] LOOP
    EXECUTE format($p$CREATE POLICY app_insert ON %I FOR INSERT TO byline_app
      WITH CHECK ((SELECT app_has_permission('roles.manage')))$p$, t);
    EXECUTE format($p$CREATE POLICY app_update ON %I FOR UPDATE TO byline_app
      USING ((SELECT app_has_permission('roles.manage'))) WITH CHECK ((SELECT app_has_permission('roles.manage')))$p$, t);
    EXECUTE format($p$CREATE POLICY app_delete ON %I FOR DELETE TO byline_app
      USING ((SELECT app_has_permission('roles.manage')))$p$, t);
  END LOOP;
END
$$;

-- audit_events: written as oneself (the actor is the tenant) or, with no tenant, by nobody in
-- particular (an anonymous failed sign-in); read only with audit.read. Append-only by trigger.
-- The sequence of its BIGSERIAL id was granted by the first row-level security migration.
GRANT SELECT, INSERT ON audit_events TO byline_app;
CREATE POLICY app_insert ON audit_events FOR INSERT TO byline_app
  WITH CHECK (actor_id IS NOT DISTINCT FROM nullif(current_setting('app.user_id', true), '')::uuid);
CREATE POLICY app_select ON audit_events FOR SELECT TO byline_app
  USING ((SELECT app_has_permission('audit.read')));

-- login_throttles keeps its direct grants: it is consulted before anyone is signed in (no
-- tenant to confine it to) and holds counters keyed by account and address, no secret and
-- nothing that lets one act as anyone (see the README).

-- ---- The session store, by sid. The caller must already know the sid (the signed cookie's
-- secret); nothing here lists sessions or takes a user id.
GRANT SELECT, INSERT, UPDATE, DELETE ON "session" TO byline_sessions;
CREATE POLICY sessions_all ON "session" FOR ALL TO byline_sessions
  USING (current_user = 'byline_sessions') WITH CHECK (current_user = 'byline_sessions');

CREATE FUNCTION session_read(session_id text) RETURNS json
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT sess FROM "session" WHERE sid = session_id AND expire >= now()
$$;

-- A new session (a fresh sid this process generated): never an upsert, so a session that was
-- ended cannot be written back by a request still in flight (see session-store.ts).
CREATE FUNCTION session_insert(session_id text, data json, expires timestamptz) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  INSERT INTO "session" (sid, sess, expire) VALUES (session_id, data, expires)
$$;

-- An existing session's new state; false when it is gone (ended meanwhile) or when the data
-- would make it another user's session: a session changes hands only through a new sid.
CREATE FUNCTION session_save(session_id text, data json, expires timestamptz) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  UPDATE "session" SET sess = data, expire = expires
  WHERE sid = session_id
    AND user_id IS NOT DISTINCT FROM (data -> 'passport' ->> 'user')::uuid;
  RETURN FOUND;
END;
$$;

CREATE FUNCTION session_end(session_id text) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  DELETE FROM "session" WHERE sid = session_id
$$;

-- Every session of `account` but `keep` (all when null); how many ended. The tenant's own,
-- or anyone's with users.manage; otherwise insufficient_privilege (42501).
CREATE FUNCTION sessions_end_for_user(account uuid, keep text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  ended integer;
BEGIN
  IF account IS DISTINCT FROM nullif(current_setting('app.user_id', true), '')::uuid
     AND NOT app_has_permission('users.manage') THEN
    RAISE insufficient_privilege USING MESSAGE = 'ending another account''s sessions needs users.manage';
  END IF;
  DELETE FROM "session" WHERE user_id = account AND (keep IS NULL OR sid <> keep);
  GET DIAGNOSTICS ended = ROW_COUNT;
  RETURN ended;
END;
$$;
GRANT EXECUTE ON FUNCTION app_has_permission(text) TO byline_sessions;

DO $$
DECLARE
  f text;
BEGIN
  FOREACH f IN ARRAY ARRAY['session_read(text)', 'session_insert(text, json, timestamptz)',
                           'session_save(text, json, timestamptz)', 'session_end(text)',
                           'sessions_end_for_user(uuid, text)'] LOOP
    EXECUTE format('ALTER FUNCTION %s OWNER TO byline_sessions', f);
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO byline_app', f);
  END LOOP;
END
$$;

-- ---- Accounts: the one password hash each path needs, and sign-up.
GRANT SELECT, INSERT, UPDATE (password_hash) ON users TO byline_accounts;
GRANT INSERT ON user_roles TO byline_accounts;
CREATE POLICY accounts_select ON users FOR SELECT TO byline_accounts USING (current_user = 'byline_accounts');
CREATE POLICY accounts_insert ON users FOR INSERT TO byline_accounts WITH CHECK (current_user = 'byline_accounts');
CREATE POLICY accounts_update ON users FOR UPDATE TO byline_accounts
  USING (current_user = 'byline_accounts') WITH CHECK (current_user = 'byline_accounts');
CREATE POLICY accounts_insert ON user_roles FOR INSERT TO byline_accounts WITH CHECK (current_user = 'byline_accounts');

-- Sign-in: the account with that email (already normalized by the caller), hash included, to
-- be verified by the application (Argon2). No tenant yet: the caller proves nothing but the
-- email, so this answers one account per known email, never a list.
CREATE FUNCTION account_credentials(account_email text)
RETURNS TABLE (id uuid, email text, handle text, display_name text, created_at timestamptz,
               password_hash text, disabled_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT u.id, u.email, u.handle, u.display_name, u.created_at, u.password_hash, u.disabled_at
  FROM users u WHERE u.email = account_email
$$;

-- The password change: the tenant's own hash, and its replacement.
CREATE FUNCTION own_password_hash() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT password_hash FROM users WHERE id = nullif(current_setting('app.user_id', true), '')::uuid
$$;

CREATE FUNCTION set_own_password_hash(new_hash text) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  UPDATE users SET password_hash = new_hash WHERE id = nullif(current_setting('app.user_id', true), '')::uuid;
  RETURN FOUND;
END;
$$;

-- Sign-up: a new account and the author role every account starts with, in the caller's
-- transaction; a taken email or handle raises unique_violation (users_email_key,
-- users_handle_key) as an INSERT would.
CREATE FUNCTION create_account(new_email text, new_handle text, new_display_name text, new_hash text)
RETURNS TABLE (id uuid, email text, handle text, display_name text, created_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  account users%ROWTYPE;
BEGIN
  INSERT INTO users (email, handle, display_name, password_hash)
  VALUES (new_email, new_handle, new_display_name, new_hash)
  RETURNING * INTO account;
  INSERT INTO user_roles (user_id, role_name) VALUES (account.id, 'author');
  RETURN QUERY SELECT account.id, account.email, account.handle, account.display_name, account.created_at;
END;
$$;

DO $$
DECLARE
  f text;
BEGIN
  FOREACH f IN ARRAY ARRAY['account_credentials(text)', 'own_password_hash()', 'set_own_password_hash(text)',
                           'create_account(text, text, text, text)'] LOOP
    EXECUTE format('ALTER FUNCTION %s OWNER TO byline_accounts', f);
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO byline_app', f);
  END LOOP;
END
$$;

-- ---- Roles that read users inside their own paths. The public view's owner already has
-- its policy (enabled accounts only, column-limited grant) and so has the schedule's
-- function owner (migration 20261122180000_public_view_filter_in_policies); the
-- transitions' role reads whether an author is disabled (posts_on_air, inside
-- publish_due_posts and users_author_disabled).
CREATE POLICY publisher_select ON users FOR SELECT TO byline_publisher USING (current_user = 'byline_publisher');

-- ---- The command line (grant-role): the owner's connection, SET LOCAL ROLE byline_operator.
GRANT SELECT (id, email) ON users TO byline_operator;
GRANT SELECT, INSERT ON user_roles TO byline_operator;
GRANT SELECT ON roles, role_permissions TO byline_operator;
GRANT INSERT ON audit_events TO byline_operator;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO byline_operator;
CREATE POLICY operator_select ON users FOR SELECT TO byline_operator USING (current_user = 'byline_operator');
CREATE POLICY operator_select ON user_roles FOR SELECT TO byline_operator USING (current_user = 'byline_operator');
CREATE POLICY operator_insert ON user_roles FOR INSERT TO byline_operator WITH CHECK (current_user = 'byline_operator');
CREATE POLICY operator_select ON roles FOR SELECT TO byline_operator USING (current_user = 'byline_operator');
CREATE POLICY operator_select ON role_permissions FOR SELECT TO byline_operator USING (current_user = 'byline_operator');
CREATE POLICY operator_insert ON audit_events FOR INSERT TO byline_operator WITH CHECK (current_user = 'byline_operator');
