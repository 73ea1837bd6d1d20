import { Body, Controller, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { type Origin, RequestOrigin } from '../../audit/origin.js';
import { Public } from '../access/access.decorators.js';
import { toUserView } from '../auth-user.js';
import { signIn } from '../session/request-session.js';
import { SignupDto } from './signup.dto.js';
import { SignupService } from './signup.service.js';

@ApiTags('auth')
@Controller('v1/auth/signup')
export class SignupController {
  constructor(private readonly signup: SignupService) {}

  /** Creates the account and signs it in on a new session id. */
  @Public()
  @Post()
  async create(@Body() input: SignupDto, @Req() req: Request, @RequestOrigin() origin: Origin) {
    const user = await this.signup.register(input, origin);
    await signIn(req, user);
    return { user: toUserView(user) };
  }
}
