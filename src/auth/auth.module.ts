import { Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { AccessGuard } from './access/access.guard.js';
import { CsrfController } from './csrf/csrf.controller.js';
import { CsrfGuard } from './csrf/csrf.guard.js';
import { LocalStrategy } from './login/local.strategy.js';
import { LoginController } from './login/login.controller.js';
import { LoginThrottle } from './login/login-throttle.js';
import { MeController } from './me/me.controller.js';
import { PasswordChangeController } from './password-change/password-change.controller.js';
import { PasswordChangeService } from './password-change/password-change.service.js';
import { PasswordHasher } from './passwords/password-hasher.js';
import { SessionSerializer } from './session/session.serializer.js';
import { SessionsController } from './session/sessions.controller.js';
import { SessionsRepository } from './session/sessions.repository.js';
import { SignupController } from './signup/signup.controller.js';
import { SignupService } from './signup/signup.service.js';
import { UsersRepository } from './users/users.repository.js';

@Module({
  imports: [PassportModule.register({ session: true }), DiscoveryModule],
  controllers: [
    CsrfController,
    SignupController,
    LoginController,
    MeController,
    SessionsController,
    PasswordChangeController,
  ],
  providers: [
    // Global guards run in this order: CSRF first, then the route's access rule.
    { provide: APP_GUARD, useClass: CsrfGuard },
    { provide: APP_GUARD, useClass: AccessGuard },
    LocalStrategy,
    SessionSerializer,
    LoginThrottle,
    PasswordHasher,
    UsersRepository,
    SessionsRepository,
    SignupService,
    PasswordChangeService,
  ],
  exports: [UsersRepository, SessionsRepository],
})
export class AuthModule {}
