import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RequirePermission, SignedIn } from '../auth/access/access.decorators.js';
import { TenantData } from '../database/tenant/tenant-data.decorator.js';
import { UuidPipe } from '../http/uuid.pipe.js';
import { CreatePostDto, PublishPostDto, UpdatePostDto } from './dto/post-input.dto.js';
import { PostListQuery } from './dto/post-list.query.js';
import { PostsService } from './posts.service.js';
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
  create(@Body() input: CreatePostDto) {
    return this.posts.create(input);
  }

  @SignedIn()
  @Get()
  list(@Query() query: PostListQuery) {
    return this.posts.list(query);
  }

  @SignedIn()
  @Get(':id')
  get(@Param('id', postId) id: string) {
    return this.posts.get(id);
  }

  @RequirePermission('content.write')
  @Patch(':id')
  update(@Param('id', postId) id: string, @Body() input: UpdatePostDto) {
    return this.posts.update(id, input);
  }

  @RequirePermission('content.write')
  @Delete(':id')
  @HttpCode(204)
  async delete(@Param('id', postId) id: string): Promise<void> {
    await this.posts.delete(id);
  }

  @RequirePermission('content.write')
  @Idempotent()
  @Post(':id/publish')
  @HttpCode(200)
  publish(@Param('id', postId) id: string, @Body() input: PublishPostDto) {
    return this.posts.publish(id, input.publishAt);
  }

  @RequirePermission('content.write')
  @Idempotent()
  @Post(':id/unpublish')
  @HttpCode(200)
  unpublish(@Param('id', postId) id: string) {
    return this.posts.unpublish(id);
  }
}
