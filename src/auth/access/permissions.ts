// Every permission Byline knows, as `resource.action`, in one place.
export const permissionDescriptions = {
  'content.write': 'Create, edit, publish and delete one’s own posts and tags',
  'users.read': 'List accounts',
  'users.manage': 'Disable and enable accounts',
  'roles.manage': 'Create, edit and delete roles; grant and revoke them',
  'audit.read': 'Read the audit log',
} as const;

export type Permission = keyof typeof permissionDescriptions;

export const allPermissions = Object.keys(permissionDescriptions) as Permission[];

export function isPermission(name: string): name is Permission {
  return Object.hasOwn(permissionDescriptions, name);
}

export const builtInRoles = { author: 'author', auditor: 'auditor', admin: 'admin' } as const;
