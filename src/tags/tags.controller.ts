import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RequirePermission, SignedIn } from '../auth/access/access.decorators.js';
import { uniqueViolationField } from '../database/database-errors.js';
import { CursorCodec, paginate } from '../http/cursor.js';
import { PageQuery } from '../http/pagination.dto.js';
import { ConflictProblem, NotFoundProblem } from '../http/problems.js';
import { TenantData } from '../database/tenant/tenant-data.decorator.js';
import { UuidPipe } from '../http/uuid.pipe.js';
import { CreateTagDto } from './dto/create-tag.dto.js';
import { TagsRepository } from './tags.repository.js';
import { Idempotent } from '../idempotency/idempotent.decorator.js';

const listName = 'tags:mine';
const view = (tag: { id: string; name: string }) => ({ id: tag.id, name: tag.name });

@ApiTags('tags')
@TenantData('Tag')
@Controller('v1/tags')
export class TagsController {
  constructor(
    private readonly tags: TagsRepository,
    private readonly cursors: CursorCodec,
  ) {}

  @RequirePermission('content.write')
  @Idempotent()
  @Post()
  async create(@Body() input: CreateTagDto) {
    try {
      return view(await this.tags.create(input.name));
    } catch (error) {
      if (uniqueViolationField(error, ['name'])) throw new ConflictProblem('You already have that tag.');
      throw error;
    }
  }

  @SignedIn()
  @Get()
  async list(@Query() query: PageQuery) {
    const { items, nextCursor } = await paginate(
      this.cursors,
      listName,
      query,
      (after, take) => this.tags.list(take, after),
      (tag) => ({ at: tag.createdAt, id: tag.id }),
    );
    return { items: items.map(view), nextCursor };
  }

  @RequirePermission('content.write')
  @Delete(':id')
  @HttpCode(204)
  async delete(@Param('id', new UuidPipe('tag')) id: string): Promise<void> {
    if (!(await this.tags.delete(id))) throw new NotFoundProblem('tag');
  }
}
