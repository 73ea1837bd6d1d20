import { Module } from '@nestjs/common';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksRepository } from './webhooks.repository.js';

@Module({ controllers: [WebhooksController], providers: [WebhooksRepository] })
export class WebhooksModule {}
