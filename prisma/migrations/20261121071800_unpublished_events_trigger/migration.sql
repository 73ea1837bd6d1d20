-- Not expressible in schema.prisma: whenever a live post leaves the air (publish_at set to
-- null or into the future), write its post.unpublished event in the same transaction, on
-- every write path, the API's PATCH included.
CREATE FUNCTION posts_unpublished_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.publish_at IS NOT NULL AND OLD.publish_at <= now()
     AND (NEW.publish_at IS NULL OR NEW.publish_at > now()) THEN
    INSERT INTO outbox_events (user_id, type, post_id, publish_at, data)
    VALUES (OLD.user_id, 'post.unpublished', OLD.id, OLD.publish_at,
            jsonb_build_object('post', jsonb_build_object(
              'id', OLD.id, 'title', OLD.title, 'slug', OLD.slug,
              'editorialDate', to_char(OLD.editorial_date, 'YYYY-MM-DD'), 'publishedAt', OLD.publish_at)))
    ON CONFLICT (type, post_id, publish_at) DO NOTHING;
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER posts_unpublished_event
  AFTER UPDATE OF publish_at ON posts
  FOR EACH ROW EXECUTE FUNCTION posts_unpublished_event();
