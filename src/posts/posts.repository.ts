import { Injectable } from '@nestjs/common';
import { empty, sql, type Sql } from '../database/sql.js';
import { TenantDatabase } from '../database/tenant/tenant-database.service.js';
import type { PostRow } from './post-view.js';
import { type PostStatus, statusFilterSql, statusSql } from './publication.js';

// Status and first-went-live are computed here, in SQL, against the database clock. The
// user_id condition is the first wall; row-level security would hold without it.
const postColumns = sql`
  p.id, p.title, p.slug, p.body,
  to_char(p.editorial_date, 'YYYY-MM-DD') AS "editorialDate",
  p.publish_at AS "publishAt",
  COALESCE(p.first_published_at, CASE WHEN p.publish_at <= now() THEN p.publish_at END)
    AS "firstPublishedAt",
  ${statusSql} AS status,
  COALESCE((SELECT json_agg(json_build_object('id', t.id, 'name', t.name) ORDER BY t.name)
            FROM post_tags pt JOIN tags t ON t.user_id = pt.user_id AND t.id = pt.tag_id
            WHERE pt.user_id = p.user_id AND pt.post_id = p.id), '[]'::json) AS tags,
  p.created_at AS "createdAt", p.updated_at AS "updatedAt"`;

export interface PostWrite {
  title?: string;
  slug?: string;
  body?: string;
  editorialDate?: Date;
  publishAt?: Date | null;
}

/** The current user's posts. Reads and writes both go through the tenant layer. */
@Injectable()
export class PostsRepository {
  constructor(private readonly tenant: TenantDatabase) {}

  async find(id: string): Promise<PostRow | null> {
    const [row] = await this.tenant.read<PostRow>(
      sql`SELECT ${postColumns} FROM posts p WHERE p.user_id = ${this.tenant.userId()}::uuid AND p.id = ${id}::uuid`,
    );
    return row ?? null;
  }

  /** Newest first by creation, keyset-paginated on (created_at, id). */
  list(options: { status?: PostStatus; after?: { at: Date; id: string }; limit: number }) {
    const status: Sql = options.status ? sql`AND ${statusFilterSql[options.status]}` : empty;
    const after: Sql = options.after
      ? sql`AND (p.created_at, p.id) < (${options.after.at}, ${options.after.id}::uuid)`
      : empty;
    return this.tenant.read<PostRow>(sql`
      SELECT ${postColumns} FROM posts p
      WHERE p.user_id = ${this.tenant.userId()}::uuid ${status} ${after}
      ORDER BY p.created_at DESC, p.id DESC
      LIMIT ${options.limit}`);
  }

  /** How many of `tagIds` are the user's own tags. */
  countOwnTags(tagIds: string[]): Promise<number> {
    return this.tenant.client.tag.count({ where: { id: { in: tagIds } } });
  }

  async create(data: PostWrite & { title: string; slug: string }, tagIds: string[]) {
    const post = await this.tenant.client.post.create({
      data: {
        ...data,
        userId: this.tenant.userId(),
        tags: { create: tagIds.map((tagId) => ({ tagId, userId: this.tenant.userId() })) },
      },
      select: { id: true },
    });
    return post.id;
  }

  /** Updates the post, replacing its tags when `tagIds` is given; one atomic statement. */
  async update(id: string, data: PostWrite, tagIds?: string[]): Promise<void> {
    const tags = tagIds && {
      deleteMany: {},
      create: tagIds.map((tagId) => ({ tagId, userId: this.tenant.userId() })),
    };
    await this.tenant.client.post.update({
      where: { id },
      data: { ...data, ...(tags ? { tags } : {}) },
      select: { id: true },
    });
  }

  async delete(id: string): Promise<boolean> {
    const { count } = await this.tenant.client.post.deleteMany({ where: { id } });
    return count > 0;
  }

  now(): Promise<Date> {
    return this.tenant.now();
  }
}
