import { Controller, Get, Query } from '@nestjs/common';
import { ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { RequirePermission } from '../auth/access/access.decorators.js';
import { DatabaseService } from '../database/database.service.js';
import { after as keysetAfter } from '../database/keyset.js';
import { CursorCodec, paginate } from '../http/cursor.js';
import { PageQuery } from '../http/pagination.dto.js';
import { type AuditAction, auditActions } from './audit-actions.js';
import { Operation } from '../http/openapi/operation.decorator.js';
import { AuditEventPage } from './audit-event.schema.js';

export class AuditLogQuery extends PageQuery {
  @ApiPropertyOptional({ enum: auditActions })
  @IsOptional()
  @IsIn(auditActions)
  action?: AuditAction;
}

const listName = 'audit-log';

/** Read-only: the API offers no way to change or delete an entry (nor does the database). */
@ApiTags('audit')
@Controller('v1/audit-log')
export class AuditLogController {
  constructor(
    private readonly database: DatabaseService,
    private readonly cursors: CursorCodec,
  ) {}

  @RequirePermission('audit.read')
  @Get()
  @Operation({ id: 'listAuditEvents', summary: 'The audit log, newest first', status: 200, body: AuditEventPage })
  async list(@Query() query: AuditLogQuery) {
    const events = this.database.unscoped('audit log: readers with audit.read see every entry').auditEvent;
    const result = await paginate(
      this.cursors,
      listName,
      query,
      (after, take) =>
        events.findMany({
          where: { ...(query.action ? { action: query.action } : {}), ...keysetAfter(after, 'at') },
          orderBy: [{ at: 'desc' }, { id: 'desc' }],
          take,
        }),
      (event) => ({ at: event.at, id: event.id }),
    );
    return {
      items: result.items.map((row) => ({
        id: row.id,
        at: row.at.toISOString(),
        actor: { type: row.actorType, id: row.actorId, label: row.actorLabel },
        action: row.action,
        target: row.targetType ? { type: row.targetType, id: row.targetId } : null,
        details: row.details,
        ip: row.ip,
        requestId: row.requestId,
      })),
      nextCursor: result.nextCursor,
    };
  }
}
