import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
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
 * repository), which sets ETag and Cache-Control and returns the serialized body. Entries
 * are keyed by the URL as sent, which the cache's fast path looks up before routing.
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
  list(@Query() query: PageQuery, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.page('public', {}, query, req, res);
  }

  @Get('authors/:handle/posts')
  listByAuthor(
    @Param('handle') handle: string,
    @Query() query: PageQuery,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.page(`public:${handle}`, { handle }, query, req, res);
  }

  @Get('authors/:handle/posts/:slug')
  get(
    @Param('handle') handle: string,
    @Param('slug') slug: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    // A 404 is not cached: a scheduled post's page appears by the clock alone.
    return this.cache.serve(req.originalUrl, res, async () => {
      const row = await this.posts.find(handle, slug);
      if (!row) throw new NotFoundProblem('post');
      // A published post changes only by a write, never by the clock.
      return { body: toPublicPost(row), changesInMs: null };
    });
  }

  private page(list: string, filter: PublicFilter, query: PageQuery, req: Request, res: Response) {
    return this.cache.serve(req.originalUrl, res, async () => {
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
