// Every security event the audit log records.
export const auditActions = [
  'user.signed_up',
  'auth.login_succeeded',
  'auth.login_failed',
  'auth.logged_out',
  'auth.password_changed',
  'auth.password_change_failed',
  'session.revoked',
  'role.created',
  'role.updated',
  'role.deleted',
  'role.granted',
  'role.revoked',
  'role.escalation_refused',
  'user.disabled',
  'user.enabled',
] as const;

export type AuditAction = (typeof auditActions)[number];
