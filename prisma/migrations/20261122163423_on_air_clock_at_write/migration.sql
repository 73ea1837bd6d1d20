-- posts_on_air judged "on the air" by now(), the start of the writing transaction. A
-- transaction that began before a post's publish_at but reached the row after the clock path
-- had put the post on the air (an idempotent request holds one transaction for the whole
-- request) saw the post as "not yet live": it wrote a post.unpublished for a transition that
-- never happened, took the post off the air, and the next tick published it again. The row it
-- writes is the latest committed version, so the trigger must judge it at the moment of the
-- write: clock_timestamp(), which is never earlier than the commit it reads. The rule is
-- otherwise unchanged.
CREATE OR REPLACE FUNCTION posts_on_air() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  enabled boolean;
  recorded boolean := false;
  seq integer := 0;
  was_on boolean := false;
  now_on boolean := false;
  -- The moment of this write, not of its transaction's start (see above).
  at timestamptz := clock_timestamp();
BEGIN
  IF TG_OP <> 'INSERT' THEN
    recorded := OLD.on_air;
    seq := OLD.air_sequence;
    was_on := NOT OLD.author_disabled AND COALESCE(OLD.publish_at <= at, false);
  END IF;
  IF TG_OP = 'DELETE' THEN
    -- Deleted with its author: nobody is left to tell (the author's endpoints go too).
    IF NOT EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id) THEN RETURN OLD; END IF;
  ELSE
    SELECT disabled_at IS NULL INTO enabled FROM users WHERE id = NEW.user_id;
    NEW.author_disabled := NOT COALESCE(enabled, true);
    now_on := COALESCE(enabled, false) AND COALESCE(NEW.publish_at <= at, false);
  END IF;
  -- Only the clock moves a post without a write: a transition that passed unrecorded first.
  IF was_on <> recorded THEN
    seq := seq + 1;
    PERFORM post_air_event(CASE WHEN was_on THEN 'post.published' ELSE 'post.unpublished' END, seq, OLD);
  END IF;
  IF now_on <> was_on THEN
    seq := seq + 1;
    IF now_on THEN
      PERFORM post_air_event('post.published', seq, NEW);
    ELSE
      PERFORM post_air_event('post.unpublished', seq, OLD);
    END IF;
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  NEW.on_air := now_on;
  NEW.air_sequence := seq;
  RETURN NEW;
END;
$$;

