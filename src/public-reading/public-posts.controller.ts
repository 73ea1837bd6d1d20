import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/access/access.decorators.js';
import { CursorCodec, paginate } from '../http/cursor.js';
import { PageQuery } from '../http/pagination.dto.js';
import { NotFoundProblem } from '../http/problems.js';
import { PublicCache } from './public-cache.js';
import { type PublicFilter, type PublicPostRow, PublicPostsRepository } from './public-posts.repository.js';

function toPublicPost(row: PublicPostRow) {
  return {
    id: row.id,
    title: row.title,
    slug: row.slug,
    body: row.body,
    editorialDate: row.editorialDate,
    publishedAt: row.publishedAt.toISOString(),
    author: { handle: row.handle, displayName: row.displayName },
    tags: row.tags,
  };
}

/**
 * Public reading. Every response goes through the public cache (a layer above the
 * repository), which sets ETag and Cache-Control and returns the serialized body.
 */
@ApiTags('public')
@Public()
@Controller('v1/public')
export class PublicPostsController {
  constructor(
    private readonly posts: PublicPostsRepository,
    private readonly cursors: CursorCodec,
    private readonly cache: PublicCache,
  ) {}

  @Get('posts')
  list(@Query() query: PageQuery, @Res({ passthrough: true }) res: Response) {
    return this.page('public', {}, query, res);
  }

  @Get('authors/:handle/posts')
  listByAuthor(
    @Param('handle') handle: string,
    @Query() query: PageQuery,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.page(`public:${handle}`, { handle }, query, res);
  }

  @Get('authors/:handle/posts/:slug')
  get(
    @Param('handle') handle: string,
    @Param('slug') slug: string,
    @Res({ passthrough: true }) res: Response,
  ) {
    // A 404 is not cached: a scheduled post's page appears by the clock alone.
    return this.cache.serve(JSON.stringify(['post', handle, slug]), res, async () => {
      const row = await this.posts.find(handle, slug);
      if (!row) throw new NotFoundProblem('post');
      // A published post changes only by a write, never by the clock.
      return { body: toPublicPost(row), changesInMs: null };
    });
  }

  private page(list: string, filter: PublicFilter, query: PageQuery, res: Response) {
    const key = JSON.stringify(['list', list, query.limit, query.cursor ?? null]);
    return this.cache.serve(key, res, async () => {
      let changesInMs: number | null = null;
      const { items, nextCursor } = await paginate(
        this.cursors,
        list,
        query,
        async (after, limit) => {
          const result = await this.posts.page({ ...filter, after }, limit);
          changesInMs = result.msUntilNext;
          return result.rows;
        },
        (post) => ({ at: post.publishedAt, id: post.id }),
      );
      // Never kept past the instant a scheduled post would join the list.
      return { body: { items: items.map(toPublicPost), nextCursor }, changesInMs };
    });
  }
}
