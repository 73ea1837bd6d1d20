import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomBytes } from 'node:crypto';
import { RequirePermission } from '../auth/access/access.decorators.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { ReadyConfig } from '../config/config.js';
import { TenantData } from '../database/tenant/tenant-data.decorator.js';
import { CursorCodec, paginate } from '../http/cursor.js';
import { PageQuery } from '../http/pagination.dto.js';
import { NotFoundProblem, UnprocessableProblem } from '../http/problems.js';
import { UuidPipe } from '../http/uuid.pipe.js';
import { refusedUrl } from './address-guard.js';
import { CreateWebhookDto } from './dto/create-webhook.dto.js';
import { UpdateWebhookDto } from './dto/update-webhook.dto.js';
import { WebhooksRepository } from './webhooks.repository.js';
import { Idempotent } from '../idempotency/idempotent.decorator.js';

const endpointId = new UuidPipe('webhook');
const iso = (date: Date | null) => date?.toISOString() ?? null;

interface EndpointRow {
  id: string;
  url: string;
  events: string[];
  description: string;
  disabledAt: Date | null;
  createdAt: Date;
}

const endpointView = (e: EndpointRow) => ({
  id: e.id,
  url: e.url,
  events: e.events,
  description: e.description,
  disabled: e.disabledAt !== null,
  createdAt: e.createdAt.toISOString(),
});

@ApiTags('webhooks')
@TenantData('WebhookEndpoint')
@RequirePermission('content.write')
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly cursors: CursorCodec,
    @Inject(APP_CONFIG) private readonly config: ReadyConfig,
  ) {}

  /** The signing secret is in this response only. */
  @Idempotent()
  @Post()
  async create(@Body() input: CreateWebhookDto) {
    const refused = await refusedUrl(input.url, this.config.webhooks);
    if (refused) throw new UnprocessableProblem(refused);
    const cap = this.config.webhooks.maxEndpointsPerAuthor;
    const endpoint = await this.webhooks.create(
      {
        url: input.url,
        events: input.events,
        description: input.description ?? '',
        secret: `whsec_${randomBytes(32).toString('base64url')}`,
      },
      cap,
    );
    if (!endpoint) throw new UnprocessableProblem(`An author may have at most ${cap} webhook endpoints.`);
    return { ...endpointView(endpoint), secret: endpoint.secret };
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Disable an endpoint, or enable a disabled one again' })
  async update(@Param('id', endpointId) id: string, @Body() input: UpdateWebhookDto) {
    const endpoint = await this.webhooks.setDisabled(id, input.disabled);
    if (!endpoint) throw new NotFoundProblem('webhook');
    return endpointView(endpoint);
  }

  @Get()
  async list(@Query() query: PageQuery) {
    const result = await paginate(
      this.cursors,
      'webhooks',
      query,
      (after, take) => this.webhooks.list(take, after),
      (endpoint) => ({ at: endpoint.createdAt, id: endpoint.id }),
    );
    return {
      items: result.items.map(endpointView),
      nextCursor: result.nextCursor,
    };
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Param('id', endpointId) id: string): Promise<void> {
    if (!(await this.webhooks.delete(id))) throw new NotFoundProblem('webhook');
  }

  @Get(':id/deliveries')
  async deliveries(@Param('id', endpointId) id: string, @Query() query: PageQuery) {
    if (!(await this.webhooks.exists(id))) throw new NotFoundProblem('webhook');
    const result = await paginate(
      this.cursors,
      `deliveries:${id}`,
      query,
      (after, take) => this.webhooks.deliveries(id, take, after),
      (delivery) => ({ at: delivery.createdAt, id: delivery.id }),
    );
    return {
      items: result.items.map((d) => ({
        id: d.id,
        eventId: d.eventId,
        type: d.event.type,
        state: d.state,
        attempts: d.attempts,
        lastStatus: d.lastStatus,
        lastError: d.lastError,
        nextAttemptAt: iso(d.nextAttemptAt),
        createdAt: d.createdAt.toISOString(),
      })),
      nextCursor: result.nextCursor,
    };
  }

  @Idempotent()
  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  async redeliver(
    @Param('id', endpointId) id: string,
    @Param('deliveryId', new UuidPipe('delivery')) deliveryId: string,
  ): Promise<void> {
    if (!(await this.webhooks.redeliver(id, deliveryId))) throw new NotFoundProblem('delivery');
  }
}
