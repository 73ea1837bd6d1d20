import request from 'supertest';
import { Controller, Get, Module } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Server } from 'node:http';
import { Public, SignedIn } from '../../../src/auth/access/access.decorators.js';
import { DatabaseService } from '../../../src/database/database.service.js';
import { signUp } from '../../factories/user.factory.js';
import { inject } from 'vitest';
import { query } from '../../support/databases.js';
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

// The same mistake on platform tables: sessions (their ids are bearer secrets), accounts,
// grants and the audit log, through the bare pool, signed in and not.
const platformStatements = {
  sessions: 'SELECT sid, sess, user_id::text AS "userId" FROM "session"',
  users: 'SELECT id::text AS id, email FROM users',
  grants: 'SELECT user_id::text AS "userId", role_name AS role FROM user_roles',
  audit: 'SELECT actor_id::text AS "actorId", action FROM audit_events',
} as const;

async function platformRows(database: DatabaseService) {
  const out: Record<string, unknown[]> = {};
  for (const [name, statement] of Object.entries(platformStatements)) {
    out[name] = (await database.pool.query(statement)).rows;
  }
  return out;
}

@SignedIn()
@Controller('v1/test-only/raw-platform')
class ForgetfulPlatformController {
  constructor(private readonly database: DatabaseService) {}

  @Get()
  rows() {
    return platformRows(this.database);
  }

  @Get('hashes')
  async hashes() {
    try {
      return { rows: (await this.database.pool.query('SELECT password_hash FROM users')).rows };
    } catch (error) {
      return { refused: (error as { code?: string }).code };
    }
  }
}

@Public()
@Controller('v1/test-only/raw-platform-anonymous')
class ForgetfulAnonymousController {
  constructor(private readonly database: DatabaseService) {}

  @Get()
  rows() {
    return platformRows(this.database);
  }
}

@Module({ controllers: [ForgetfulController, ForgetfulPlatformController, ForgetfulAnonymousController] })
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

  it('on platform tables gets only the signed-in user’s own sessions, account and grants, and no audit entry', async () => {
    const a = await signUp(server);
    const b = await signUp(server);
    // A second session for a, from a separate sign-in.
    const again = await signUp(server);
    await again.client.post('/v1/auth/logout').expect(204);
    await again.client.refreshToken();
    await again.client.post('/v1/auth/login', { email: a.input.email, password: a.input.password }).expect(200);
    const [ownerView] = await query<{ sessions: number }>(
      inject('databaseUrl'),
      'SELECT count(*)::int AS sessions FROM "session" WHERE user_id = $1',
      [a.user.id],
    );
    expect(ownerView.sessions).toBe(2);

    const ofA = (await planted(a.client.cookie, '/v1/test-only/raw-platform')).body;
    expect(ofA.sessions).toHaveLength(2);
    expect(ofA.sessions.every((row: { userId: string }) => row.userId === a.user.id)).toBe(true);
    const ofB = (await planted(b.client.cookie, '/v1/test-only/raw-platform')).body;
    expect(ofB.sessions).toHaveLength(1);
    expect(ofB.sessions[0].userId).toBe(b.user.id);
    expect(ofB.sessions.map((s: { sid: string }) => s.sid)).not.toEqual(expect.arrayContaining([ofA.sessions[0].sid]));
    expect(ofB.users).toEqual([{ id: b.user.id, email: b.input.email }]);
    expect(ofB.grants).toEqual([{ userId: b.user.id, role: 'author' }]);
    // The audit log (sign-ups and sign-ins of everyone) needs audit.read.
    expect(ofB.audit).toEqual([]);
    expect((await planted(b.client.cookie, '/v1/test-only/raw-platform/hashes')).body).toEqual({ refused: '42501' });

    const anonymous = (await request(server).get('/v1/test-only/raw-platform-anonymous').expect(200)).body;
    expect(anonymous).toEqual({ sessions: [], users: [], grants: [], audit: [] });
  });
});
