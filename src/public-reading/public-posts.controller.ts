import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/access/access.decorators.js';
import { CursorCodec, paginate } from '../http/cursor.js';
import { PageQuery } from '../http/pagination.dto.js';
import { NotFoundProblem } from '../http/problems.js';
import { type PublicFilter, type PublicPostRow, PublicPostsRepository } from './public-posts.repository.js';
import { Operation } from '../http/openapi/operation.decorator.js';
import { PublicPost, PublicPostPage } from './public-post.schema.js';

const maxAgeSeconds = 60;

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

@ApiTags('public')
@Public()
@Controller('v1/public')
export class PublicPostsController {
  constructor(
    private readonly posts: PublicPostsRepository,
    private readonly cursors: CursorCodec,
  ) {}

  @Get('posts')
  @Operation({
    id: 'listPublicPosts',
    summary: 'Published posts of every author, newest publishedAt first',
    status: 200,
    body: PublicPostPage,
    publicCache: true,
  })
  list(@Query() query: PageQuery, @Res({ passthrough: true }) res: Response) {
    return this.page('public', {}, query, res);
  }

  @Get('authors/:handle/posts')
  @Operation({
    id: 'listAuthorPosts',
    summary: 'One author’s published posts, newest first',
    status: 200,
    body: PublicPostPage,
    publicCache: true,
  })
  listByAuthor(
    @Param('handle') handle: string,
    @Query() query: PageQuery,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.page(`public:${handle}`, { handle }, query, res);
  }

  @Get('authors/:handle/posts/:slug')
  @Operation({
    id: 'getPublicPost',
    summary: 'One published post',
    status: 200,
    body: PublicPost,
    publicCache: true,
    problems: { 404: 'No such author or post, or it is a draft or still scheduled.' },
  })
  async get(
    @Param('handle') handle: string,
    @Param('slug') slug: string,
    @Res({ passthrough: true }) res: Response,
  ) {
    const row = await this.posts.find(handle, slug);
    if (!row) throw new NotFoundProblem('post');
    // A published post changes only by an edit, never by the clock.
    res.setHeader('Cache-Control', `public, max-age=${maxAgeSeconds}`);
    return toPublicPost(row);
  }

  private async page(list: string, filter: PublicFilter, query: PageQuery, res: Response) {
    let untilNext: number | null = null;
    const { items, nextCursor } = await paginate(
      this.cursors,
      list,
      query,
      async (after, limit) => {
        const result = await this.posts.page({ ...filter, after }, limit);
        untilNext = result.untilNext;
        return result.rows;
      },
      (post) => ({ at: post.publishedAt, id: post.id }),
    );
    // Never cache past the instant a scheduled post would join the list.
    const maxAge = Math.max(0, Math.min(maxAgeSeconds, untilNext ?? maxAgeSeconds));
    res.setHeader('Cache-Control', `public, max-age=${maxAge}`);
    return { items: items.map(toPublicPost), nextCursor };
  }
}
