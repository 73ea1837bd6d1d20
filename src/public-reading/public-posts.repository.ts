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
  // Public fields only: never the author's id or email.
  private readonly columns = sql`p.id, p.title, p.slug, p.body,
             to_char(p.editorial_date, 'YYYY-MM-DD') AS "editorialDate",
             p.publish_at AS "publishedAt", u.handle, u.display_name AS "displayName",
             COALESCE((SELECT json_agg(json_build_object('id', t.id, 'name', t.name) ORDER BY t.name)
                       FROM post_tags pt JOIN tags t ON t.id = pt.tag_id
                       WHERE pt.post_id = p.id), '[]'::json) AS tags`;

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

  /** One author's published post by its slug. */
  async find(handle: string, slug: string): Promise<PublicPostRow | null> {
    const [row] = await this.db.$queryRaw<PublicPostRow[]>`
      SELECT ${this.columns}
      FROM posts p JOIN users u ON u.id = p.user_id
      WHERE ${this.conditions({ handle, slug })}`;
    return row ?? null;
  }

  /**
   * A page, newest publishedAt first, and in the same round trip the milliseconds (by the
   * database clock) until the next scheduled post (of that author, when given) goes live
   * (null when none is): no cache may keep the list longer than that.
   */
  async page(filter: PublicFilter, limit: number): Promise<{ rows: PublicPostRow[]; msUntilNext: number | null }> {
    const rows = await this.db.$queryRaw<Array<PublicPostRow & { msUntilNext: number | null }>>`
      WITH next AS (
        SELECT LEAST(extract(epoch FROM min(p.publish_at) - now()) * 1000, 86400000)::float8 AS ms
        FROM posts p ${filter.handle ? sql`JOIN users u ON u.id = p.user_id AND u.handle = ${filter.handle}` : empty}
        WHERE p.publish_at > now()
      ), page AS (
        SELECT ${this.columns}
        FROM posts p JOIN users u ON u.id = p.user_id
        WHERE ${this.conditions(filter)}
        ORDER BY p.publish_at DESC, p.id DESC
        LIMIT ${limit}
      )
      SELECT page.*, next.ms AS "msUntilNext" FROM next LEFT JOIN page ON true
      ORDER BY page."publishedAt" DESC, page.id DESC`;
    const msUntilNext = rows[0]?.msUntilNext ?? null;
    const posts = rows.filter((row) => row.id !== null).map(({ msUntilNext: _ms, ...row }) => row);
    return { rows: posts, msUntilNext };
  }
}
