import { type ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { Request } from 'express';
import { toValidationProblem } from '../../http/validation.js';
import { LocalStrategy } from './local.strategy.js';
import { LoginDto } from './login.dto.js';
import { endSessionOnFailure } from '../session/request-session.js';

/**
 * Runs the local strategy, then signs the user in. passport's logIn regenerates the session
 * (a new id; the old one is destroyed), which is the defence against session fixation. The
 * session written, the strategy confirms that the password it verified is still current.
 */
@Injectable()
export class LoginGuard extends AuthGuard('local') {
  constructor(private readonly strategy: LocalStrategy) {
    super();
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    // Guards run before pipes, so the body is checked here, as the pipe would.
    const errors = await validate(plainToInstance(LoginDto, req.body ?? {}), {
      whitelist: true,
      forbidNonWhitelisted: true,
    });
    if (errors.length) throw toValidationProblem(errors);
    await super.canActivate(context);
    // Stamped by the serializer, inside passport's one save of the new session; once written,
    // it must still be the account's password (LocalStrategy.confirm). Either failing, no
    // session stays behind.
    await endSessionOnFailure(req, this.logInConfirmed(req));
    return true;
  }

  private async logInConfirmed(req: Request): Promise<void> {
    await super.logIn(req);
    await this.strategy.confirm(req);
  }
}
