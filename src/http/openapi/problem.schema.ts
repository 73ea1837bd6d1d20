import { component, object, text } from './schemas.js';

// The RFC 9457 bodies that ProblemFilter and sendProblem (problem-response.ts) write.
const problemFields = {
  type: text('urn:byline:problem:not-found', { format: 'uri', description: 'Identifies the kind of problem.' }),
  title: text('Not Found'),
  status: { type: 'integer', minimum: 400, maximum: 599, example: 404 },
  detail: text('No such post.', { description: 'What went wrong, for a human.' }),
  requestId: text('3f1c2b9e-6a41-4c1f-9a77-5c2d0e8b1a44', {
    description: 'The X-Request-Id of the response; quote it when reporting a problem.',
  }),
};

export const Problem = component('Problem', object(problemFields, ['detail']));

export const FieldError = component(
  'FieldError',
  object({
    field: text('title', { description: 'The property, dotted for nested ones.' }),
    message: text('title must be shorter than or equal to 300 characters'),
  }),
);

export const ValidationProblem = component(
  'ValidationProblem',
  object(
    {
      ...problemFields,
      type: { ...problemFields.type, example: 'urn:byline:problem:validation' },
      title: text('Invalid request'),
      status: { type: 'integer', minimum: 400, maximum: 599, example: 400 },
      errors: { type: 'array', items: FieldError.ref },
    },
    ['detail'],
  ),
);
