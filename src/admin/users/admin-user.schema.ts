import { component, dateTime, object, page, text, uuid } from '../../http/openapi/schemas.js';

export const AdminUser = component(
  'AdminUser',
  object({
    id: uuid(),
    email: text('ada@example.com', { format: 'email' }),
    handle: text('ada'),
    displayName: text('Ada Lovelace'),
    disabled: { type: 'boolean' },
    roles: { type: 'array', items: text('author') },
    createdAt: dateTime(),
  }),
);
export const AdminUserPage = page(AdminUser);
