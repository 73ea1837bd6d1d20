-- Publication events by transitions of the on-air state (../shared/API.md, "on the air").
-- A post is on the air while its author is enabled and its publish_at has passed. Each post
-- records the state of its last transition (on_air) and how many there were (air_sequence);
-- every event is one transition, identified by (post_id, sequence). Writes (insert, update,
-- delete, an author disabled or enabled) are evented by triggers in their own transaction;
-- the clock (publish_at passing) by the publication job, which touches the due posts so that
-- the same trigger writes their events. src/events/on-air.ts is this rule as a pure function.

DROP INDEX "outbox_events_fanned_out_at_idx";
DROP INDEX "outbox_events_type_post_id_publish_at_key";

ALTER TABLE "outbox_events" DROP COLUMN "fanned_out_at",
ADD COLUMN     "position" BIGSERIAL NOT NULL,
ADD COLUMN     "sequence" INTEGER NOT NULL DEFAULT 0;

ALTER TABLE "posts" ADD COLUMN     "air_sequence" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "author_disabled" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "on_air" BOOLEAN NOT NULL DEFAULT false;

ALTER TABLE "webhook_deliveries" ADD COLUMN     "position" BIGSERIAL NOT NULL;

ALTER TABLE "webhook_endpoints" ADD COLUMN     "busy_until" TIMESTAMPTZ(3);

-- Existing events get their numbers in the order they were written; each post continues
-- from its last. A post counts as on the air if its current going-live was evented, or it
-- went live before the old job's 30-day window (it never will be), so the upgrade does not
-- replay history; a post that went live unevented within the window is caught up by the job.
UPDATE "outbox_events" e SET "sequence" = n.seq
FROM (SELECT id, row_number() OVER (PARTITION BY post_id ORDER BY created_at, position) AS seq FROM "outbox_events") n
WHERE e.id = n.id;
ALTER TABLE "outbox_events" ALTER COLUMN "sequence" DROP DEFAULT;

UPDATE "posts" p SET
  author_disabled = u.disabled_at IS NOT NULL,
  air_sequence = COALESCE((SELECT max(e.sequence) FROM "outbox_events" e WHERE e.post_id = p.id), 0),
  on_air = u.disabled_at IS NULL AND p.publish_at <= now()
    AND (p.publish_at <= now() - interval '30 days'
         OR EXISTS (SELECT 1 FROM "outbox_events" e
                    WHERE e.post_id = p.id AND e.type = 'post.published' AND e.publish_at = p.publish_at))
FROM "users" u WHERE u.id = p.user_id;

CREATE UNIQUE INDEX "outbox_events_post_id_sequence_key" ON "outbox_events"("post_id", "sequence");

CREATE INDEX "webhook_endpoints_busy_until_idx" ON "webhook_endpoints"("busy_until");

-- The clock path reads only posts that may still go on the air: off the air, author enabled,
-- publish_at set. Live posts (the history) are not in this index, so a tick costs what is due.
CREATE INDEX "posts_due_on_air_idx" ON "posts"("publish_at", "id")
  WHERE NOT on_air AND NOT author_disabled AND publish_at IS NOT NULL;

-- Deliveries waiting to be sent, per endpoint in event order (the claim takes each head).
CREATE INDEX "webhook_deliveries_waiting_idx" ON "webhook_deliveries"("endpoint_id", "position")
  WHERE state IN ('pending', 'retrying');

DROP TRIGGER posts_unpublished_event ON posts;
DROP FUNCTION posts_unpublished_event();

-- One event row, describing version `p` of the post.
CREATE FUNCTION post_air_event(kind text, seq integer, p posts) RETURNS void LANGUAGE sql AS $$
  INSERT INTO outbox_events (user_id, type, post_id, sequence, publish_at, data)
  VALUES (p.user_id, kind, p.id, seq, p.publish_at,
          jsonb_build_object(
            'post', jsonb_build_object(
              'id', p.id, 'title', p.title, 'slug', p.slug,
              'editorialDate', to_char(p.editorial_date, 'YYYY-MM-DD'),
              -- ISO 8601 UTC with milliseconds, like every timestamp of the API.
              'publishedAt', to_char(p.publish_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
            'sequence', seq));
$$;

-- The rule of src/events/on-air.ts `transitions`, for every write of a post.
CREATE FUNCTION posts_on_air() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  enabled boolean;
  recorded boolean := false;
  seq integer := 0;
  was_on boolean := false;
  now_on boolean := false;
BEGIN
  IF TG_OP <> 'INSERT' THEN
    recorded := OLD.on_air;
    seq := OLD.air_sequence;
    was_on := NOT OLD.author_disabled AND COALESCE(OLD.publish_at <= now(), false);
  END IF;
  IF TG_OP = 'DELETE' THEN
    -- Deleted with its author: nobody is left to tell (the author's endpoints go too).
    IF NOT EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id) THEN RETURN OLD; END IF;
  ELSE
    SELECT disabled_at IS NULL INTO enabled FROM users WHERE id = NEW.user_id;
    NEW.author_disabled := NOT COALESCE(enabled, true);
    now_on := COALESCE(enabled, false) AND COALESCE(NEW.publish_at <= now(), false);
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

CREATE TRIGGER posts_on_air
  BEFORE INSERT OR UPDATE OR DELETE ON posts
  FOR EACH ROW EXECUTE FUNCTION posts_on_air();

-- Disabling or enabling an author moves all of their posts through the trigger above, oldest
-- publication first. SECURITY DEFINER: an administrator's request changes another user's rows.
CREATE FUNCTION users_author_disabled() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  post record;
BEGIN
  FOR post IN SELECT id FROM posts WHERE user_id = NEW.id ORDER BY publish_at NULLS LAST, id LOOP
    UPDATE posts SET author_disabled = NEW.disabled_at IS NOT NULL WHERE id = post.id;
  END LOOP;
  RETURN NULL;
END;
$$;

CREATE TRIGGER users_author_disabled
  AFTER UPDATE OF disabled_at ON users
  FOR EACH ROW WHEN ((OLD.disabled_at IS NULL) <> (NEW.disabled_at IS NULL))
  EXECUTE FUNCTION users_author_disabled();

-- The clock path: posts whose publish_at has passed since their last transition, oldest
-- first, through the partial index; touching them lets posts_on_air write their events.
-- SKIP LOCKED: a post being written right now is evented by that write's own trigger.
-- SECURITY DEFINER: the one narrow path by which a job crosses tenants here, whatever role
-- (and row-level security) the application connects with.
CREATE FUNCTION publish_due_posts(batch integer) RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  post record;
  n integer := 0;
BEGIN
  FOR post IN
    SELECT id FROM posts
    WHERE NOT on_air AND NOT author_disabled AND publish_at IS NOT NULL AND publish_at <= now()
    ORDER BY publish_at, id LIMIT batch FOR UPDATE SKIP LOCKED
  LOOP
    UPDATE posts SET on_air = on_air WHERE id = post.id;
    n := n + 1;
  END LOOP;
  RETURN n;
END;
$$;

-- Each event fans out into one delivery per enabled endpoint of its author that subscribes
-- to its type, in the same transaction: no event is ever without its deliveries.
CREATE FUNCTION outbox_events_fan_out() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO webhook_deliveries (user_id, endpoint_id, event_id)
  SELECT NEW.user_id, w.id, NEW.id FROM webhook_endpoints w
  WHERE w.user_id = NEW.user_id AND w.disabled_at IS NULL AND NEW.type = ANY (w.events)
  ORDER BY w.created_at, w.id;
  RETURN NULL;
END;
$$;

CREATE TRIGGER outbox_events_fan_out
  AFTER INSERT ON outbox_events
  FOR EACH ROW EXECUTE FUNCTION outbox_events_fan_out();
