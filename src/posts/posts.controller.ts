import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RequirePermission, SignedIn } from '../auth/access/access.decorators.js';
import { TenantData } from '../database/tenant/tenant-data.decorator.js';
import { UuidPipe } from '../http/uuid.pipe.js';
import { CreatePostDto, PublishPostDto, UpdatePostDto } from './dto/post-input.dto.js';
import { PostListQuery } from './dto/post-list.query.js';
import { PostsService } from './posts.service.js';
import { Operation } from '../http/openapi/operation.decorator.js';
import { Post as PostSchema, PostPage } from './post.schema.js';
import { Idempotent } from '../idempotency/idempotent.decorator.js';

const postId = new UuidPipe('post');

@ApiTags('posts')
@TenantData('Post')
@Controller('v1/posts')
export class PostsController {
  constructor(private readonly posts: PostsService) {}

  @RequirePermission('content.write')
  @Idempotent()
  @Post()
  @Operation({
    id: 'createPost',
    summary: 'Create a post (a draft unless publishAt is given)',
    status: 201,
    body: PostSchema,
    problems: { 400: 'A field is invalid.', 409: 'The slug is taken by another of my posts.', 422: 'A tagIds entry is not one of my tags.' },
  })
  create(@Body() input: CreatePostDto) {
    return this.posts.create(input);
  }

  @SignedIn()
  @Get()
  @Operation({ id: 'listMyPosts', summary: 'List my posts, newest first', status: 200, body: PostPage })
  list(@Query() query: PostListQuery) {
    return this.posts.list(query);
  }

  @SignedIn()
  @Get(':id')
  @Operation({ id: 'getPost', summary: 'Get one of my posts', status: 200, body: PostSchema, problems: { 404: 'No such post of mine.' } })
  get(@Param('id', postId) id: string) {
    return this.posts.get(id);
  }

  @RequirePermission('content.write')
  @Patch(':id')
  @Operation({
    id: 'updatePost',
    summary: 'Change any of a post’s fields',
    status: 200,
    body: PostSchema,
    problems: {
      400: 'A field is invalid.',
      404: 'No such post of mine.',
      409: 'The slug is taken by another of my posts.',
      422: 'A tagIds entry is not one of my tags.',
    },
  })
  update(@Param('id', postId) id: string, @Body() input: UpdatePostDto) {
    return this.posts.update(id, input);
  }

  @RequirePermission('content.write')
  @Delete(':id')
  @HttpCode(204)
  @Operation({ id: 'deletePost', summary: 'Delete a post', status: 204, problems: { 404: 'No such post of mine.' } })
  async delete(@Param('id', postId) id: string): Promise<void> {
    await this.posts.delete(id);
  }

  @RequirePermission('content.write')
  @Idempotent()
  @Post(':id/publish')
  @HttpCode(200)
  @Operation({
    id: 'publishPost',
    summary: 'Publish now, or schedule for publishAt',
    status: 200,
    body: PostSchema,
    problems: { 400: 'publishAt is invalid.', 404: 'No such post of mine.' },
  })
  publish(@Param('id', postId) id: string, @Body() input: PublishPostDto) {
    return this.posts.publish(id, input.publishAt);
  }

  @RequirePermission('content.write')
  @Idempotent()
  @Post(':id/unpublish')
  @HttpCode(200)
  @Operation({
    id: 'unpublishPost',
    summary: 'Take a post back to draft',
    status: 200,
    body: PostSchema,
    problems: { 404: 'No such post of mine.' },
  })
  unpublish(@Param('id', postId) id: string) {
    return this.posts.unpublish(id);
  }
}
