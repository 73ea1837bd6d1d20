import { escalationRefusal } from './escalation.js';

const managerOnly = { roles: ['role-manager'], permissions: ['roles.manage'] };
const admin = { roles: ['admin'], permissions: ['content.write', 'users.read', 'users.manage', 'roles.manage', 'audit.read'] };

describe('escalationRefusal', () => {
  it('refuses a role holding a permission the caller lacks', () => {
    expect(escalationRefusal(managerOnly, { name: 'author', permissions: ['content.write'] })).toMatch(/content\.write/);
  });

  it('refuses anything about admin to a non-admin, even one holding every permission', () => {
    const everything = { roles: ['custom'], permissions: admin.permissions };
    expect(escalationRefusal(everything, { name: 'admin', permissions: [] })).toMatch(/admin/);
  });

  it('allows a role within what the caller holds, and everything to an admin', () => {
    expect(escalationRefusal(managerOnly, { name: 'helper', permissions: ['roles.manage'] })).toBeNull();
    expect(escalationRefusal(managerOnly, { name: 'empty', permissions: [] })).toBeNull();
    expect(escalationRefusal(admin, { name: 'admin', permissions: admin.permissions })).toBeNull();
  });
});
