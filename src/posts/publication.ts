// When a post is visible, as one rule in two forms: a pure function of `now` (tested at
// the boundary) and the SQL that applies it against the database clock in every query.
import { sql, type Sql } from '../database/sql.js';

export type PostStatus = 'draft' | 'scheduled' | 'published';

/** Published from the instant publishAt is reached (inclusive); draft while it is null. */
export function postStatus(publishAt: Date | null, now: Date): PostStatus {
  if (publishAt === null) return 'draft';
  return publishAt.getTime() <= now.getTime() ? 'published' : 'scheduled';
}

/** `postStatus` in SQL, for the table alias `p`, evaluated with the database's now(). */
export const statusSql: Sql = sql`CASE
  WHEN p.publish_at IS NULL THEN 'draft'
  WHEN p.publish_at <= now() THEN 'published'
  ELSE 'scheduled' END`;

export const statusFilterSql: Record<PostStatus, Sql> = {
  draft: sql`p.publish_at IS NULL`,
  scheduled: sql`p.publish_at > now()`,
  published: sql`p.publish_at <= now()`,
};
