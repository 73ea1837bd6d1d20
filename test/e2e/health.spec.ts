import { DatabaseService } from '../../src/database/database.service.js';
import { toProblem } from '../../src/http/problem-response.js';
import { ApiClient } from '../support/api-client.js';
import { createScratchDatabase } from '../support/databases.js';
import { startTestApp } from '../support/test-app.js';

describe('health', () => {
  it('is live and ready on a migrated database', async () => {
    const app = await startTestApp();
    try {
      await new ApiClient(app.getHttpServer()).get('/health/live').expect(200, { status: 'ok' });
      const ready = await new ApiClient(app.getHttpServer()).get('/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body).toEqual({
        status: 'ok',
        checks: { database: 'up', migrations: 'applied' },
      });
    } finally {
      await app.close();
    }
  });

  it('is not ready while migrations are pending', async () => {
    const scratch = await createScratchDatabase();
    const app = await startTestApp({ DATABASE_URL: scratch.url });
    try {
      const ready = await new ApiClient(app.getHttpServer()).get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.checks).toEqual({ database: 'up', migrations: 'pending' });
      expect(ready.body.pendingMigrations.length).toBeGreaterThan(0);
    } finally {
      await app.close();
      await scratch.drop();
    }
  });

  it('is not ready, and data routes answer 503, when PostgreSQL is unreachable', async () => {
    const unreachable = 'postgresql://postgres@127.0.0.1:1/byline';
    const app = await startTestApp({ DATABASE_URL: unreachable });
    try {
      const ready = await new ApiClient(app.getHttpServer()).get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.checks.database).toBe('down');

      // What any data route's query throws in that state maps to 503, not 500.
      const error = await app
        .get(DatabaseService)
        .unscoped('test: a query on an unreachable server').user.count()
        .catch((caught: unknown) => caught);
      expect(toProblem(error)).toMatchObject({ status: 503, headers: { 'Retry-After': '5' } });
    } finally {
      await app.close();
    }
  });
});
