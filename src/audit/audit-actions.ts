// Every security event the audit log records.
export const auditActions = [
  'user.signed_up',
  'auth.login_succeeded',
  'auth.login_failed',
  'auth.logged_out',
  'auth.password_changed',
  'session.revoked',
  'role.created',
  'role.updated',
  'role.deleted',
  'role.granted',
  'role.revoked',
  'user.disabled',
  'user.enabled',
] as const;

export type AuditAction = (typeof auditActions)[number];
