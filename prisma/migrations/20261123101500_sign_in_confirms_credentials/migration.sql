-- A sign-in reads an account's hash, verifies the password against it (Argon2, tens of
-- milliseconds), then writes its new session. A password change or a disable that commits
-- in between ends every session that exists when it runs, but not the one written after it:
-- whoever held the replaced password came out of the change with a session that outlived it
-- (and a disabled account, once enabled again, with one it never signed in for).
--
-- After writing its session, the sign-in asks, as the new session's account, whether the
-- hash it verified is still the account's and the account still enabled. FOR SHARE waits for
-- a change or disable that has already updated the row to commit (both update the row first,
-- then end the sessions, in one transaction), so either this sees the new row and the sign-in
-- ends its own session, or the change's session ending runs after the session was written
-- and ends it with the rest. Like own_password_hash, it takes no user: the tenant is the
-- account, and the caller must already hold the hash it compares.
CREATE FUNCTION own_credentials_unchanged(verified_hash text) RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT EXISTS (
    SELECT 1 FROM users
    WHERE id = nullif(current_setting('app.user_id', true), '')::uuid
      AND password_hash = verified_hash AND disabled_at IS NULL
    FOR SHARE)
$$;
ALTER FUNCTION own_credentials_unchanged(text) OWNER TO byline_accounts;
REVOKE ALL ON FUNCTION own_credentials_unchanged(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION own_credentials_unchanged(text) TO byline_app;
