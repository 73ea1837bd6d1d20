-- Row-level security meets publication transitions (issue 11 after issue 15 and 18).
--
-- 1. The jobs' role (byline_worker) reads and writes the columns the transition and the
--    fair delivery claim added: it leases an endpoint (busy_until) and reads the posts'
--    on-air state. outbox_events and webhook_deliveries it has whole already (position,
--    sequence, last_error included), and the BIGSERIAL sequences were granted before.
GRANT SELECT (on_air, air_sequence, author_disabled) ON posts TO byline_worker;
GRANT UPDATE (busy_until) ON webhook_endpoints TO byline_worker;

-- 2. The two SECURITY DEFINER functions of the transitions cross tenants on purpose: the
--    clock (publish_due_posts, called by the worker) and an author disabled or enabled by an
--    administrator (users_author_disabled). Owned by the migration role they would run under
--    FORCE ROW LEVEL SECURITY with no policy of their own (zero rows) unless that role is a
--    superuser. They belong instead to byline_publisher, a NOLOGIN role nobody is a member
--    of, with exactly what the transition triggers they fire need (posts_on_air writes an
--    event, outbox_events_fan_out its deliveries), and policies that admit rows only while
--    current_user is that role, i.e. inside those two functions.
DO $$
BEGIN
  BEGIN
    CREATE ROLE byline_publisher NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
  END;
END
$$;

GRANT USAGE ON SCHEMA public TO byline_publisher;
GRANT SELECT, UPDATE ON posts TO byline_publisher;
GRANT SELECT (id, disabled_at) ON users TO byline_publisher;
GRANT INSERT ON outbox_events, webhook_deliveries TO byline_publisher;
GRANT SELECT (id, user_id, events, disabled_at, created_at) ON webhook_endpoints TO byline_publisher;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO byline_publisher;

CREATE POLICY publisher_select ON posts FOR SELECT TO byline_publisher USING (current_user = 'byline_publisher');
CREATE POLICY publisher_update ON posts FOR UPDATE TO byline_publisher
  USING (current_user = 'byline_publisher') WITH CHECK (current_user = 'byline_publisher');
CREATE POLICY publisher_insert ON outbox_events FOR INSERT TO byline_publisher WITH CHECK (current_user = 'byline_publisher');
CREATE POLICY publisher_select ON webhook_endpoints FOR SELECT TO byline_publisher USING (current_user = 'byline_publisher');
CREATE POLICY publisher_insert ON webhook_deliveries FOR INSERT TO byline_publisher WITH CHECK (current_user = 'byline_publisher');

ALTER FUNCTION publish_due_posts(integer) OWNER TO byline_publisher;
ALTER FUNCTION users_author_disabled() OWNER TO byline_publisher;
-- The clock path is the jobs' alone (the application reaches it only as the worker).
REVOKE ALL ON FUNCTION publish_due_posts(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION publish_due_posts(integer) TO byline_worker;

-- 3. Public reading (issue 18's exact cache) bounds a list's lifetime in milliseconds by the
--    database clock; the public function answers in milliseconds (at most a day) instead of
--    whole seconds. Still only a time, never a post.
DROP FUNCTION public_next_publication(text);
CREATE FUNCTION public_next_publication(author_handle text) RETURNS double precision
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
  RETURN LEAST(extract(epoch FROM next_at - now()) * 1000, 86400000)::double precision;
END;
$$;
ALTER FUNCTION public_next_publication(text) OWNER TO byline_reader;
REVOKE ALL ON FUNCTION public_next_publication(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public_next_publication(text) TO byline_public;
