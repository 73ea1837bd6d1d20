import request from 'supertest';
import { Controller, Get, Module } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Server } from 'node:http';
import { SignedIn } from '../../../src/auth/access/access.decorators.js';
import { DatabaseService } from '../../../src/database/database.service.js';
import { signUp } from '../../factories/user.factory.js';
import { startTestApp } from '../../support/test-app.js';

// The bugs the first wall cannot stop: handlers that forget the tenant entirely and send
// raw SQL on tenant tables, through the unscoped client and through the bare pool.
@SignedIn()
@Controller('v1/test-only/raw')
class ForgetfulController {
  constructor(private readonly database: DatabaseService) {}

  @Get('unscoped')
  unscoped() {
    return this.database.unscoped('test-only: a handler that forgets the tenant').$queryRawUnsafe(
      'SELECT id, user_id::text AS "userId", title FROM "public"."posts" ORDER BY created_at',
    );
  }

  @Get('pool')
  async pool() {
    const { rows } = await this.database.pool.query(
      'SELECT p.id, p.user_id::text AS "userId", t.name FROM ONLY posts p LEFT JOIN post_tags pt ON pt.post_id = p.id LEFT JOIN tags t ON t.id = pt.tag_id',
    );
    return rows;
  }

  @Get('counts')
  async counts() {
    const tables = ['posts', 'tags', 'post_tags', 'outbox_events', 'webhook_endpoints', 'webhook_deliveries'];
    const out: Record<string, string[]> = {};
    for (const table of tables) {
      const { rows } = await this.database.pool.query(`SELECT DISTINCT user_id::text AS u FROM ${table}`);
      out[table] = rows.map((row: { u: string }) => row.u);
    }
    return out;
  }
}

@Module({ controllers: [ForgetfulController] })
class ForgetfulModule {}

describe('a handler that runs a raw statement on tenant tables', () => {
  let app: NestExpressApplication;
  let server: Server;

  beforeAll(async () => {
    app = await startTestApp({}, [ForgetfulModule]);
    server = app.getHttpServer();
  });
  afterAll(() => app.close());

  // The planted routes are not in the OpenAPI document, so they are called past ApiClient,
  // which checks every response against it.
  const planted = (cookie: string, path: string) => request(server).get(path).set('Cookie', cookie).expect(200);

  it('gets only its own tenant’s rows, whichever client sends it', async () => {
    const a = await signUp(server);
    const b = await signUp(server);
    for (const who of [a, b]) {
      const tag = await who.client.post('/v1/tags', { name: `tag of ${who.user.handle}` }).expect(201);
      await who.client.post('/v1/posts', { title: `post of ${who.user.handle}`, tagIds: [tag.body.id] }).expect(201);
      await who.client.post('/v1/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['post.published'] }).expect(201);
    }

    const unscoped = await planted(b.client.cookie, '/v1/test-only/raw/unscoped');
    expect(unscoped.body.length).toBeGreaterThan(0);
    expect(unscoped.body.every((row: { userId: string }) => row.userId === b.user.id)).toBe(true);
    expect(JSON.stringify(unscoped.body)).not.toContain(a.user.handle);

    const pool = await planted(b.client.cookie, '/v1/test-only/raw/pool');
    expect(pool.body).toEqual([expect.objectContaining({ userId: b.user.id, name: `tag of ${b.user.handle}` })]);

    const counts = await planted(b.client.cookie, '/v1/test-only/raw/counts');
    for (const [table, owners] of Object.entries(counts.body as Record<string, string[]>)) {
      expect(owners.filter((owner) => owner !== b.user.id), table).toEqual([]);
    }
    expect(counts.body.posts).toEqual([b.user.id]);
    expect(counts.body.webhook_endpoints).toEqual([b.user.id]);
  });
});
