import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQuery } from '../../http/pagination.dto.js';
import type { PostStatus } from '../publication.js';

export class PostListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['draft', 'scheduled', 'published'] })
  @IsOptional()
  @IsIn(['draft', 'scheduled', 'published'])
  status?: PostStatus;
}
