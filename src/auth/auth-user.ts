import type { Permission } from './access/permissions.js';

/** An account's public fields. */
export interface Account {
  id: string;
  email: string;
  handle: string;
  displayName: string;
  createdAt: Date;
}

/**
 * The signed-in user as every request sees it: loaded afresh from the database, roles and
 * permissions included, so a change applies to the very next request of every session.
 */
export interface AuthUser extends Account {
  roles: string[];
  permissions: Permission[];
}

export interface UserView {
  id: string;
  email: string;
  handle: string;
  displayName: string;
  createdAt: string;
}

export function toUserView(user: Account): UserView {
  return {
    id: user.id,
    email: user.email,
    handle: user.handle,
    displayName: user.displayName,
    createdAt: user.createdAt.toISOString(),
  };
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // passport's Express.User is what `req.user` holds.
    interface User extends AuthUser {}
  }
}
