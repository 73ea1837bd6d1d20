import { Injectable } from '@nestjs/common';
import { DatabaseService, type Transaction } from '../database/database.service.js';
import type { AuditAction } from './audit-actions.js';
import type { Origin } from './origin.js';

export interface AuditEntry {
  action: AuditAction;
  target?: { type: string; id: string };
  /** Before and after, or what was attempted; never secrets. */
  details?: Record<string, unknown>;
}

/** Appends to the audit log, inside the transaction of the change when there is one. */
@Injectable()
export class AuditLog {
  constructor(private readonly database: DatabaseService) {}

  async record(origin: Origin, entry: AuditEntry, tx?: Transaction): Promise<void> {
    // In a request's transaction (an idempotent write) the entry commits with the change.
    await this.write(tx ?? this.database.unscoped('audit log: platform records of security events', 'join-request'), origin, entry);
  }

  /**
   * For refusals and failures: the request is about to fail, and a request transaction would
   * roll the entry back with it, so this one is written on its own and always stays.
   */
  async recordRefusal(origin: Origin, entry: AuditEntry): Promise<void> {
    await this.write(this.database.unscoped('audit log: refusals outlive the failing request'), origin, entry);
  }

  private async write(db: Transaction, origin: Origin, entry: AuditEntry): Promise<void> {
    const { actor } = origin;
    // createMany: no RETURNING, which would need the audit.read that most writers lack.
    await db.auditEvent.createMany({
      data: {
        actorType: actor.type,
        actorId: actor.type === 'user' ? actor.id : null,
        actorLabel: actor.label ?? null,
        action: entry.action,
        targetType: entry.target?.type ?? null,
        targetId: entry.target?.id ?? null,
        details: (entry.details ?? {}) as object,
        ip: origin.ip,
        requestId: origin.requestId,
      },
    });
  }
}
