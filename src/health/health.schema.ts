import { component, nullableDateTime, object, text } from '../http/openapi/schemas.js';

export const Liveness = component('Liveness', object({ status: { type: 'string', enum: ['ok'] } }));

export const Readiness = component(
  'Readiness',
  object(
    {
      status: { type: 'string', enum: ['ok', 'unavailable'] },
      // Only the checks that could be made: none but shutdown while draining, no migrations
      // while the database is down (readiness.ts).
      checks: object(
        {
          shutdown: { type: 'string', enum: ['in-progress'] },
          database: { type: 'string', enum: ['up', 'down'] },
          migrations: { type: 'string', enum: ['applied', 'pending', 'unknown'] },
        },
        ['shutdown', 'database', 'migrations'],
      ),
      pendingMigrations: { type: 'array', items: text('20261120120000_add_webhooks') },
    },
    ['pendingMigrations'],
  ),
);

export const JobHealth = component(
  'JobHealth',
  object({
    name: text('webhook-delivery'),
    intervalSeconds: { type: 'number', example: 5 },
    state: { type: 'string', enum: ['ok', 'failing', 'stale', 'never-run'], description: 'A job three intervals late is `stale`.' },
    lastStartedAt: nullableDateTime(),
    lastSucceededAt: nullableDateTime(),
    lastFailedAt: nullableDateTime(),
    lastError: text('connection refused', { nullable: true }),
  }),
);
export const JobHealthList = component('JobHealthList', object({ items: { type: 'array', items: JobHealth.ref } }));
