-- An account's lock is capped at a minute, and its failures are forgotten only after fifteen
-- idle minutes: one guess a minute keeps counting them up. login_throttle_reserve computed
-- power(2, failures - free) in float8 before capping it, which overflows past 2^1023 (about
-- 17 hours of such a siege): from then on every sign-in to the account, the owner's right
-- password included, failed with 500 and counted nothing. The exponent is capped first; any
-- max_lock (an int) is below 2^31, so the lock is still lockSeconds() of throttle-policy.ts.
-- CREATE OR REPLACE keeps the function's owner (byline_throttle) and its grants.
CREATE OR REPLACE FUNCTION login_throttle_reserve(keys text[], free int[], max_lock int[], window_seconds int)
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
