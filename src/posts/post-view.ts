import type { PostStatus } from './publication.js';

/** A row as the posts queries select it (see posts.repository.ts). */
export interface PostRow {
  id: string;
  title: string;
  slug: string;
  body: string;
  editorialDate: string;
  publishAt: Date | null;
  firstPublishedAt: Date | null;
  status: PostStatus;
  tags: Array<{ id: string; name: string }>;
  createdAt: Date;
  updatedAt: Date;
}

export function toPostView(row: PostRow) {
  return {
    id: row.id,
    title: row.title,
    slug: row.slug,
    body: row.body,
    editorialDate: row.editorialDate,
    publishAt: row.publishAt?.toISOString() ?? null,
    status: row.status,
    firstPublishedAt: row.firstPublishedAt?.toISOString() ?? null,
    tags: row.tags,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
