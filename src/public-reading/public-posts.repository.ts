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
 * Published posts of every author, read through the `public_posts` view and the
 * `public_next_publication` function (row-level security migration): they run as a role
 * that sees no draft and no email, and they return only published posts of enabled authors
 * and only public columns, whatever SQL is written here.
 */
@Injectable()
export class PublicPostsRepository {
  private readonly columns = sql`p.id, p.title, p.slug, p.body,
             to_char(p.editorial_date, 'YYYY-MM-DD') AS "editorialDate",
             p.published_at AS "publishedAt", p.handle, p.display_name AS "displayName", p.tags`;

  constructor(private readonly database: DatabaseService) {}

  private get db() {
    return this.database.unscoped('public reading: the public_posts view of every author');
  }

  private conditions(filter: PublicFilter): Sql {
    return sql`true
      ${filter.handle ? sql`AND p.handle = ${filter.handle}` : empty}
      ${filter.slug ? sql`AND p.slug = ${filter.slug}` : empty}
      ${filter.after ? sql`AND (p.published_at, p.id) < (${filter.after.at}, ${filter.after.id}::uuid)` : empty}`;
  }

  /** One author's published post by its slug. */
  async find(handle: string, slug: string): Promise<PublicPostRow | null> {
    const [row] = await this.db.$queryRaw<PublicPostRow[]>`
      SELECT ${this.columns} FROM public_posts p
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
        SELECT public_next_publication(${filter.handle ?? null}::text) AS ms
      ), page AS (
        SELECT ${this.columns} FROM public_posts p
        WHERE ${this.conditions(filter)}
        ORDER BY p.published_at DESC, p.id DESC
        LIMIT ${limit}
      )
      SELECT page.*, next.ms AS "msUntilNext" FROM next LEFT JOIN page ON true
      ORDER BY page."publishedAt" DESC, page.id DESC`;
    const msUntilNext = rows[0]?.msUntilNext ?? null;
    const posts = rows.filter((row) => row.id !== null).map(({ msUntilNext: _ms, ...row }) => row);
    return { rows: posts, msUntilNext };
  }
}
