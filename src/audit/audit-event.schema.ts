import { component, dateTime, object, page, text, uuid } from '../http/openapi/schemas.js';
import { auditActions } from './audit-actions.js';

export const AuditEvent = component(
  'AuditEvent',
  object({
    id: uuid(),
    at: dateTime(),
    actor: object({
      type: text('user'),
      id: text('0b9f8c1e-3f0a-4b7e-9d55-2c1e6a9f4b21', { nullable: true }),
      label: text('ada@example.com', { nullable: true }),
    }),
    action: { type: 'string', enum: [...auditActions], example: 'role.granted' },
    target: {
      ...object({ type: text('user'), id: text('0b9f8c1e-3f0a-4b7e-9d55-2c1e6a9f4b21', { nullable: true }) }),
      nullable: true,
    },
    details: { type: 'object', additionalProperties: true, description: 'Before and after, by action.' },
    ip: text('203.0.113.7', { nullable: true }),
    requestId: text('3f1c2b9e-6a41-4c1f-9a77-5c2d0e8b1a44', { nullable: true }),
  }),
);
export const AuditEventPage = page(AuditEvent);
