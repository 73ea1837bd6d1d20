import { allPermissions } from '../../auth/access/permissions.js';
import { component, object, text } from '../../http/openapi/schemas.js';

const permission = { type: 'string' as const, enum: allPermissions, example: 'content.write' };

export const Role = component(
  'Role',
  object({
    name: text('editor'),
    description: text('Edits everyone’s posts'),
    permissions: { type: 'array', items: permission },
    builtIn: { type: 'boolean', description: 'author, auditor and admin are built in.' },
  }),
);
export const RoleList = component('RoleList', object({ items: { type: 'array', items: Role.ref } }));

export const PermissionInfo = component(
  'Permission',
  object({ name: permission, description: text('Create, edit, publish and delete one’s own posts and tags') }),
);
export const PermissionList = component(
  'PermissionList',
  object({ items: { type: 'array', items: PermissionInfo.ref } }),
);
