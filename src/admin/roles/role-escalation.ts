import { Injectable } from '@nestjs/common';
import { AuditLog } from '../../audit/audit-log.js';
import type { Origin } from '../../audit/origin.js';
import { ForbiddenProblem } from '../../http/problems.js';
import { type Caller, escalationRefusal } from './escalation.js';

/** Applies the no-escalation rule at the API, auditing every refusal before the 403. */
@Injectable()
export class RoleEscalation {
  constructor(private readonly audit: AuditLog) {}

  async assertMay(
    caller: Caller,
    operation: string,
    role: { name: string; permissions: readonly string[] },
    origin: Origin,
    target: { type: string; id: string } = { type: 'role', id: role.name },
  ): Promise<void> {
    const refusal = escalationRefusal(caller, role);
    if (!refusal) return;
    await this.audit.recordRefusal(origin, {
      action: 'role.escalation_refused',
      target,
      details: { operation, role: role.name },
    });
    throw new ForbiddenProblem(refusal);
  }
}
