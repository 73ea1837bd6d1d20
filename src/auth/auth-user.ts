/** The signed-in user as every request sees it, loaded fresh from the database. */
export interface AuthUser {
  id: string;
  email: string;
  handle: string;
  displayName: string;
  createdAt: Date;
}

export interface UserView {
  id: string;
  email: string;
  handle: string;
  displayName: string;
  createdAt: string;
}

export function toUserView(user: AuthUser): UserView {
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
