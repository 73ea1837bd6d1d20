import { Controller, Get, Query } from '@nestjs/common';
import { ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { RequirePermission } from '../auth/access/access.decorators.js';
import { DatabaseService } from '../database/database.service.js';
import { CursorCodec, page } from '../http/cursor.js';
import { PageQuery } from '../http/pagination.dto.js';
import { type AuditAction, auditActions } from './audit-actions.js';

class AuditLogQuery extends PageQuery {
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
  async list(@Query() query: AuditLogQuery) {
    const after = query.cursor ? this.cursors.decode(listName, query.cursor) : undefined;
    const rows = await this.database.unscoped('audit log: readers with audit.read see every entry').auditEvent.findMany({
      where: {
        ...(query.action ? { action: query.action } : {}),
        ...(after
          ? { OR: [{ at: { lt: after.at } }, { at: after.at, id: { lt: after.id } }] }
          : {}),
      },
      orderBy: [{ at: 'desc' }, { id: 'desc' }],
      take: query.limit + 1,
    });
    const result = page(rows, query.limit, (last) => this.cursors.encode(listName, { at: last.at, id: last.id }));
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
