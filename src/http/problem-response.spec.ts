import { NotFoundException } from '@nestjs/common';
import { toProblem } from './problem-response.js';
import { TooManyRequestsProblem, ValidationProblem } from './problems.js';

describe('toProblem', () => {
  it('hides what an unknown error says', () => {
    const problem = toProblem(new Error('relation "users" does not exist at /srv/app.js:12'));
    expect(problem.status).toBe(500);
    expect(JSON.stringify(problem)).not.toMatch(/relation|users|srv/);
  });

  it('keeps domain errors’ status, fields and headers', () => {
    expect(toProblem(new ValidationProblem([{ field: 'title', message: 'required' }]))).toMatchObject({
      status: 400,
      extra: { errors: [{ field: 'title', message: 'required' }] },
    });
    expect(toProblem(new TooManyRequestsProblem(30, 'Slow down.'))).toMatchObject({
      status: 429,
      headers: { 'Retry-After': '30' },
    });
  });

  it('maps Nest’s HTTP exceptions by status', () => {
    expect(toProblem(new NotFoundException())).toMatchObject({ status: 404, title: 'Not Found' });
  });
});
