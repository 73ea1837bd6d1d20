import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database/database.service.js';
import { empty, sql, type Sql } from '../database/sql.js';

export interface PublicPostRow {
  id: string;
  title: string;
  slug: string;
  body: string;
  editorialDate: string;
  publishedAt: Date;
  handle: string;
  displayName: string;
  tags: Array<{ id: string; name: string }>;
}

export interface PublicFilter {
  handle?: string;
  slug?: string;
  after?: { at: Date; id: string };
}

/**
 * Published posts of every author: reading across tenants is this feature's purpose, so it
 * takes the unscoped path, and every query here carries `publish_at <= now()` (database
 * clock) and selects only public fields.
 */
@Injectable()
export class PublicPostsRepository {
  constructor(private readonly database: DatabaseService) {}

  private get db() {
    return this.database.unscoped('public reading: published posts of every author');
  }

  private conditions(filter: PublicFilter): Sql {
    return sql`p.publish_at <= now() AND u.disabled_at IS NULL
      ${filter.handle ? sql`AND u.handle = ${filter.handle}` : empty}
      ${filter.slug ? sql`AND p.slug = ${filter.slug}` : empty}
      ${filter.after ? sql`AND (p.publish_at, p.id) < (${filter.after.at}, ${filter.after.id}::uuid)` : empty}`;
  }

  /** Newest publishedAt first. */
  list(filter: PublicFilter, limit: number): Promise<PublicPostRow[]> {
    return this.db.$queryRaw<PublicPostRow[]>`
      SELECT p.id, p.title, p.slug, p.body,
             to_char(p.editorial_date, 'YYYY-MM-DD') AS "editorialDate",
             p.publish_at AS "publishedAt", u.handle, u.display_name AS "displayName",
             COALESCE((SELECT json_agg(json_build_object('id', t.id, 'name', t.name) ORDER BY t.name)
                       FROM post_tags pt JOIN tags t ON t.id = pt.tag_id
                       WHERE pt.post_id = p.id), '[]'::json) AS tags
      FROM posts p JOIN users u ON u.id = p.user_id
      WHERE ${this.conditions(filter)}
      ORDER BY p.publish_at DESC, p.id DESC
      LIMIT ${limit}`;
  }

  /**
   * Whole seconds until the next scheduled post (of that author, when given) goes live,
   * or null when none is scheduled: no cache may keep a public list longer than that.
   */
  async secondsUntilNextPublication(handle?: string): Promise<number | null> {
    const [row] = await this.db.$queryRaw<{ seconds: number | null }[]>`
      SELECT LEAST(floor(extract(epoch FROM min(p.publish_at) - now())), 86400)::int AS seconds
      FROM posts p ${handle ? sql`JOIN users u ON u.id = p.user_id AND u.handle = ${handle}` : empty}
      WHERE p.publish_at > now()`;
    return row?.seconds ?? null;
  }
}
