-- A SECURITY DEFINER function's search_path must name pg_temp, last: unnamed, the caller's
-- temporary schema is searched FIRST for tables, and the caller chooses what is in it. The
-- application may create temporary tables and may become byline_worker: with a temporary
-- `users`, publish_due_posts (owned by byline_publisher), through the posts_on_air trigger
-- it fires under the same search_path, read another account as disabled and wrote that onto
-- the account's real post, which then never went on air. users_author_disabled, the trigger
-- of a disable, had the same gap. Every later definer function already pins public, pg_temp.
ALTER FUNCTION publish_due_posts(integer) SET search_path = public, pg_temp;
ALTER FUNCTION users_author_disabled() SET search_path = public, pg_temp;
