import { Body, Controller, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { type Origin, RequestOrigin } from '../../audit/origin.js';
import { Public } from '../access/access.decorators.js';
import { toUserView } from '../auth-user.js';
import { signIn } from '../session/request-session.js';
import { SignupDto } from './signup.dto.js';
import { SignupService } from './signup.service.js';
import { Operation } from '../../http/openapi/operation.decorator.js';
import { UserEnvelope } from '../user.schema.js';

@ApiTags('auth')
@Controller('v1/auth/signup')
export class SignupController {
  constructor(private readonly signup: SignupService) {}

  /** Creates the account and signs it in on a new session id. */
  @Public()
  @Post()
  @Operation({
    id: 'signUp',
    summary: 'Create an account and sign in',
    status: 201,
    body: UserEnvelope,
    description: 'Signed in on a new session id (Set-Cookie).',
    problems: { 400: 'A field is invalid, or the password is too weak.', 409: 'The email or handle is taken.' },
  })
  async create(@Body() input: SignupDto, @Req() req: Request, @RequestOrigin() origin: Origin) {
    const user = await this.signup.register(input, origin);
    await signIn(req, user);
    return { user: toUserView(user) };
  }
}
