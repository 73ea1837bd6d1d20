import { Controller, Get, Module } from '@nestjs/common';
import request from 'supertest';
import { listRoutes } from '../../../src/auth/access/route-inventory.js';
import { startTestApp } from '../../support/test-app.js';

@Controller('v1/test-only/forgotten')
class ForgottenController {
  @Get()
  leak() {
    return { secret: 'should never be served' };
  }
}

@Module({ controllers: [ForgottenController] })
class ForgottenModule {}

describe('route access declarations', () => {
  it('every route of the application declares who may call it', async () => {
    const app = await startTestApp();
    try {
      const routes = listRoutes(app);
      expect(routes.length).toBeGreaterThan(25);
      expect(routes.filter((route) => !route.access)).toEqual([]);
      expect(routes).toContainEqual(expect.objectContaining({ method: 'DELETE', path: '/v1/admin/roles/:name' }));
    } finally {
      await app.close();
    }
  });

  it('refuses a route that declares nothing, and the inventory names it', async () => {
    const app = await startTestApp({}, [ForgottenModule]);
    try {
      const res = await request(app.getHttpServer()).get('/v1/test-only/forgotten');
      expect(res.status).toBe(403);
      expect(JSON.stringify(res.body)).not.toContain('should never be served');
      expect(listRoutes(app).filter((route) => !route.access)).toEqual([
        expect.objectContaining({ method: 'GET', path: '/v1/test-only/forgotten' }),
      ]);
    } finally {
      await app.close();
    }
  });
});
