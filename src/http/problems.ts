// Domain errors. Features throw these; ProblemFilter turns them into RFC 9457 bodies.
export interface FieldError {
  field: string;
  message: string;
}

export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    readonly detail?: string,
    readonly headers: Record<string, string> = {},
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail ?? title);
  }
}

export class ValidationProblem extends ProblemError {
  constructor(errors: FieldError[], detail = 'The request has invalid fields.') {
    super(400, 'validation', 'Invalid request', detail, {}, { errors });
  }
}

export class NotFoundProblem extends ProblemError {
  constructor(what = 'resource') {
    super(404, 'not-found', 'Not Found', `No such ${what}.`);
  }
}

export class ConflictProblem extends ProblemError {
  constructor(detail: string) {
    super(409, 'conflict', 'Conflict', detail);
  }
}

export class UnprocessableProblem extends ProblemError {
  constructor(detail: string, errors?: FieldError[]) {
    super(422, 'unprocessable', 'Unprocessable Content', detail, {}, errors ? { errors } : {});
  }
}

export class UnauthorizedProblem extends ProblemError {
  constructor(detail = 'Sign in to do this.') {
    super(401, 'unauthorized', 'Unauthorized', detail);
  }
}

export class ForbiddenProblem extends ProblemError {
  constructor(detail = 'You may not do this.', slug = 'forbidden') {
    super(403, slug, 'Forbidden', detail);
  }
}

export class TooManyRequestsProblem extends ProblemError {
  constructor(retryAfterSeconds: number, detail: string) {
    super(429, 'too-many-requests', 'Too Many Requests', detail, {
      'Retry-After': String(retryAfterSeconds),
    });
  }
}
