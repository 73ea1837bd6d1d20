import { allPermissions } from './access/permissions.js';
import { component, dateTime, nullableDateTime, object, text, uuid } from '../http/openapi/schemas.js';

export const User = component(
  'User',
  object({
    id: uuid(),
    email: text('ada@example.com', { format: 'email' }),
    handle: text('ada'),
    displayName: text('Ada Lovelace'),
    createdAt: dateTime(),
  }),
);

export const UserEnvelope = component('UserEnvelope', object({ user: User.ref }));

export const Me = component(
  'Me',
  object({
    user: User.ref,
    roles: { type: 'array', items: text('author') },
    permissions: { type: 'array', items: { type: 'string', enum: allPermissions, example: 'content.write' } },
  }),
);

export const CsrfToken = component(
  'CsrfToken',
  object({ token: text('q3V9n1cJX0d4yZ2pWmTgk8sRf6hLbA7eUo5iNc1xKjE', { description: 'Send in X-CSRF-Token.' }) }),
);

export const Session = component(
  'Session',
  object({
    id: text('s_8f2a1c', { description: 'An opaque handle, never the cookie’s session id.' }),
    current: { type: 'boolean', description: 'The session this request came with.' },
    createdAt: nullableDateTime(),
    lastSeenAt: nullableDateTime(),
    userAgent: text('Mozilla/5.0', { nullable: true }),
    ip: text('203.0.113.7', { nullable: true }),
  }),
);

export const SessionList = component('SessionList', object({ items: { type: 'array', items: Session.ref } }));
