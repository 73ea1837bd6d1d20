-- public_next_publication tells public lists how long they stay true (Cache-Control max-age,
-- the public cache's lifetime). Its owner, byline_schedule, saw the scheduled posts of
-- disabled authors too, so the max-age of a disabled author's (empty) list gave away the
-- instant of their next scheduled post. Now it sees neither disabled accounts nor the posts
-- of one (author_disabled, kept by the disable's trigger).
ALTER POLICY schedule_select ON users USING (disabled_at IS NULL);
ALTER POLICY schedule_select ON posts USING (publish_at IS NOT NULL AND NOT author_disabled);
