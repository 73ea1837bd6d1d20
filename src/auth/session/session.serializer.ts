import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import passport from 'passport';
import type { Request } from 'express';
import type { AuthUser } from '../auth-user.js';
import { stampNewSession } from './session-stamp.js';
import { runAsTenant } from '../../database/tenant/tenant-context.js';
import { UsersRepository } from '../users/users.repository.js';

type Done<T> = (error: unknown, value?: T) => void;

/**
 * The session stores only the user id. Each request loads the user afresh, so a disabled
 * or deleted account is signed out on its next request.
 *
 * Written out rather than extending @nestjs/passport's PassportSerializer so that it can
 * unregister itself: passport keeps serializers for the life of the process, and a closed
 * application's (tests start several) would otherwise answer for the next one.
 */
@Injectable()
export class SessionSerializer implements OnModuleDestroy {
  /**
   * Called by passport's logIn on the regenerated session, just before its one save: the
   * stamp goes into that save, so a sign-in writes its session once, not twice.
   */
  private readonly serialize = (req: Request, user: AuthUser, done: Done<string>) => {
    stampNewSession(req);
    done(null, user.id);
  };

  // Runs before the request has a tenant: the lookup runs as the session's own user, whose id
  // comes from the server-side session row, so row-level security lets it see that account.
  private readonly deserialize = (id: string, done: Done<AuthUser | false>) => {
    runAsTenant(id, () => this.users.findActive(id)).then(
      (user) => done(null, user ?? false),
      (error: unknown) => done(error),
    );
  };

  constructor(private readonly users: UsersRepository) {
    passport.serializeUser(this.serialize);
    passport.deserializeUser(this.deserialize);
  }

  onModuleDestroy(): void {
    const registry = passport as unknown as { _serializers: unknown[]; _deserializers: unknown[] };
    registry._serializers = registry._serializers.filter((fn) => fn !== this.serialize);
    registry._deserializers = registry._deserializers.filter((fn) => fn !== this.deserialize);
  }
}
