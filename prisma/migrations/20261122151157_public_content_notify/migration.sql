-- Not expressible in schema.prisma: every write that can change a public response notifies
-- `byline_public_content`. NOTIFY is delivered at commit (and not at all on rollback), and
-- identical notifications of one transaction are folded into one, so each instance's
-- public cache (src/public-reading/public-cache.ts) flushes once per committed change.
CREATE FUNCTION notify_public_content() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('byline_public_content', '');
  RETURN NULL;
END;
$$;

-- Posts: any row that is or was scheduled or live (a draft never shows; a newly scheduled
-- post changes the instant until which a list stays true).
CREATE TRIGGER posts_public_insert AFTER INSERT ON posts
  FOR EACH ROW WHEN (NEW.publish_at IS NOT NULL) EXECUTE FUNCTION notify_public_content();
CREATE TRIGGER posts_public_update AFTER UPDATE ON posts
  FOR EACH ROW WHEN (OLD.publish_at IS NOT NULL OR NEW.publish_at IS NOT NULL)
  EXECUTE FUNCTION notify_public_content();
CREATE TRIGGER posts_public_delete AFTER DELETE ON posts
  FOR EACH ROW WHEN (OLD.publish_at IS NOT NULL) EXECUTE FUNCTION notify_public_content();
CREATE TRIGGER posts_public_truncate AFTER TRUNCATE ON posts
  FOR EACH STATEMENT EXECUTE FUNCTION notify_public_content();

-- Authors: the public fields and whether the account is disabled.
CREATE TRIGGER users_public_update AFTER UPDATE OF handle, display_name, disabled_at ON users
  FOR EACH STATEMENT EXECUTE FUNCTION notify_public_content();
CREATE TRIGGER users_public_delete AFTER DELETE OR TRUNCATE ON users
  FOR EACH STATEMENT EXECUTE FUNCTION notify_public_content();

-- Tags shown on posts.
CREATE TRIGGER tags_public_change AFTER UPDATE OF name OR DELETE OR TRUNCATE ON tags
  FOR EACH STATEMENT EXECUTE FUNCTION notify_public_content();
CREATE TRIGGER post_tags_public_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON post_tags
  FOR EACH STATEMENT EXECUTE FUNCTION notify_public_content();
