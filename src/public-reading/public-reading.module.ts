import { Module } from '@nestjs/common';
import { PublicCache } from './public-cache.js';
import { PublicCacheListener } from './public-cache-listener.js';
import { PublicPostsController } from './public-posts.controller.js';
import { PublicPostsRepository } from './public-posts.repository.js';

@Module({
  controllers: [PublicPostsController],
  providers: [PublicPostsRepository, PublicCache, PublicCacheListener],
  exports: [PublicCache],
})
export class PublicReadingModule {}
