import { Module } from '@nestjs/common';
import { PublicPostsController } from './public-posts.controller.js';
import { PublicPostsRepository } from './public-posts.repository.js';

@Module({ controllers: [PublicPostsController], providers: [PublicPostsRepository] })
export class PublicReadingModule {}
