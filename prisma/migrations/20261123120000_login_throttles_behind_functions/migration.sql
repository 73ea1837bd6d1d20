-- login_throttles behind functions (issue 11: platform tables not readable through the
-- application's connection beyond what the request needs). Its counters are keyed by every
-- email and client address that tried to sign in, and a mistyped email is often somebody's
-- real one: a raw statement in the application, or in the worker's role that the
-- application may become, could list them all. Now the application only reserves an
-- attempt and refunds one, and the worker only prunes, through SECURITY DEFINER functions
-- owned by byline_throttle, whose policy admits rows only while it is current_user (inside
-- them). Nobody reads a key.
DO $$
BEGIN
  CREATE ROLE byline_throttle NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL;
END
$$;
GRANT USAGE ON SCHEMA public TO byline_throttle;

REVOKE ALL ON login_throttles FROM byline_app, byline_worker;
GRANT SELECT, INSERT, UPDATE, DELETE ON login_throttles TO byline_throttle;
ALTER TABLE login_throttles ENABLE ROW LEVEL SECURITY;
ALTER TABLE login_throttles FORCE ROW LEVEL SECURITY;
CREATE POLICY throttle_all ON login_throttles FOR ALL TO byline_throttle
  USING (current_user = 'byline_throttle') WITH CHECK (current_user = 'byline_throttle');

-- Counts one attempt under every key, or none while any key is locked; answers the seconds
-- until the longest lock ends (0: counted). Keys come sorted with their rules (free failures,
-- longest lock), so concurrent calls lock shared rows in one order; the row locks are held
-- for this call alone, so a burst is decided in milliseconds. The lock length is
-- lockSeconds() of src/auth/login/throttle-policy.ts, its exponent capped before power(): a
-- lock is at most a minute and failures are forgotten only after fifteen idle minutes, so one
-- guess a minute counts up for ever, and power(2, failures - free) in float8 would overflow
-- after about 17 hours, failing every sign-in to the account with 500 (max_lock, an int, is
-- below 2^31, so the cap changes no lock).
CREATE FUNCTION login_throttle_reserve(keys text[], free int[], max_lock int[], window_seconds int)
RETURNS int
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  seconds int;
BEGIN
  INSERT INTO login_throttles (key, failures, last_failure_at)
  SELECT k, 0, now() FROM unnest(keys) AS k ORDER BY k
  ON CONFLICT (key) DO NOTHING;

  WITH rules AS (
    SELECT * FROM unnest(keys, free, max_lock) AS r(key, free, max_lock)
  ), current AS (
    SELECT t.key, t.locked_until,
           CASE WHEN t.last_failure_at < now() - make_interval(secs => window_seconds)
                THEN 1 ELSE t.failures + 1 END AS next_failures
    FROM login_throttles t WHERE t.key = ANY(keys)
    ORDER BY t.key FOR UPDATE
  ), decision AS (
    SELECT coalesce(max(ceil(extract(epoch FROM locked_until - now())))
                      FILTER (WHERE locked_until > now()), 0)::int AS wait
    FROM current
  ), counted AS (
    UPDATE login_throttles t SET
      failures = c.next_failures,
      last_failure_at = now(),
      locked_until = CASE WHEN c.next_failures >= r.free
        THEN now() + make_interval(secs => least(power(2, least(c.next_failures - r.free, 31)), r.max_lock))
        ELSE t.locked_until END
    FROM current c JOIN rules r ON r.key = c.key, decision d
    WHERE t.key = c.key AND d.wait = 0
    RETURNING t.key
  )
  -- counted runs whether or not it is read (as every data-modifying WITH does).
  SELECT wait INTO seconds FROM decision;
  RETURN seconds;
END;
$$;

-- A reserved attempt succeeded: the account starts afresh; the address gets back only its
-- one reservation (it may still be spraying other accounts).
CREATE FUNCTION login_throttle_refund(account_key text, address_key text) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  DELETE FROM login_throttles WHERE key = account_key;
  UPDATE login_throttles SET failures = greatest(failures - 1, 0) WHERE key = address_key;
$$;

-- Housekeeping: counters idle for a day and not locked; answers how many went.
CREATE FUNCTION login_throttles_prune() RETURNS int
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  WITH pruned AS (
    DELETE FROM login_throttles
    WHERE last_failure_at < now() - interval '1 day' AND (locked_until IS NULL OR locked_until < now())
    RETURNING 1
  )
  SELECT count(*)::int FROM pruned;
$$;

DO $$
DECLARE
  f text;
BEGIN
  FOREACH f IN ARRAY ARRAY['login_throttle_reserve(text[], int[], int[], int)', 'login_throttle_refund(text, text)',
                           'login_throttles_prune()'] LOOP
    EXECUTE format('ALTER FUNCTION %s OWNER TO byline_throttle', f);
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
  END LOOP;
END
$$;
GRANT EXECUTE ON FUNCTION login_throttle_reserve(text[], int[], int[], int), login_throttle_refund(text, text)
  TO byline_app;
GRANT EXECUTE ON FUNCTION login_throttles_prune() TO byline_worker;
