import { Controller, Get, Module, Req } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Request } from 'express';
import type { Server } from 'node:http';
import { SignedIn } from '../../../src/auth/access/access.decorators.js';
import { signUp } from '../../factories/user.factory.js';
import { ApiClient } from '../../support/api-client.js';
import { grantDirectly } from '../../support/roles.js';
import { startTestApp } from '../../support/test-app.js';

/** Lets a test hold a request inside its handler, with its session loaded, then release it. */
const gate = {
  entered: () => {},
  release: Promise.resolve(),
};

@Controller('test-only')
class SlowController {
  @SignedIn()
  @Get('slow')
  async slow(@Req() req: Request) {
    gate.entered();
    await gate.release;
    // What any request past the touch interval does: the session changed, so it is saved.
    req.session.lastSeenAt = Date.now();
    return { ok: true };
  }
}

@Module({ controllers: [SlowController] })
class SlowModule {}

async function secondLogin(server: Server, input: { email: string; password: string }) {
  const client = new ApiClient(server);
  await client.refreshToken();
  await client.post('/v1/auth/login', { email: input.email, password: input.password }).expect(200);
  await client.refreshToken();
  return client;
}

describe('an ended session stays ended while one of its requests is in flight', () => {
  let app: NestExpressApplication;
  let server: Server;
  beforeAll(async () => {
    app = await startTestApp({}, [SlowModule]);
    server = app.getHttpServer();
  });
  afterAll(() => app.close());

  /** Holds a request of `victim` in flight, runs `end`, lets the request finish, then probes. */
  async function endDuringSlowRequest(victim: ApiClient, end: () => Promise<unknown>) {
    await victim.get('/v1/auth/me').expect(200);
    const cookie = victim.cookie;
    let release!: () => void;
    gate.release = new Promise<void>((resolve) => (release = resolve));
    const entered = new Promise<void>((resolve) => (gate.entered = resolve));
    const inFlight = victim.get('/test-only/slow').then((res) => res);
    await entered;
    await end();
    release();
    const finished = await inFlight;
    expect(finished.status).toBe(200);
    // The stale cookie, replayed as an attacker holding it would.
    const probe = new ApiClient(server);
    probe.cookie = cookie;
    const statuses = new Set<number>();
    for (let i = 0; i < 100; i++) statuses.add((await probe.get('/v1/auth/me')).status);
    expect([...statuses]).toEqual([401]);
  }

  it('revoke-others', async () => {
    const { client, input } = await signUp(server);
    const laptop = await secondLogin(server, input);
    await endDuringSlowRequest(laptop, () => client.post('/v1/auth/sessions/revoke-others').expect(204));
  });

  it('deleting the session by id', async () => {
    const { client, input } = await signUp(server);
    const laptop = await secondLogin(server, input);
    const items = (await client.get('/v1/auth/sessions').expect(200)).body.items as { id: string; current: boolean }[];
    const other = items.find((s) => !s.current)!;
    await endDuringSlowRequest(laptop, () => client.delete(`/v1/auth/sessions/${other.id}`).expect(204));
  });

  it('logout', async () => {
    const { input } = await signUp(server);
    const laptop = await secondLogin(server, input);
    const logout = new ApiClient(server);
    await endDuringSlowRequest(laptop, async () => {
      logout.cookie = laptop.cookie;
      logout.token = laptop.token;
      await logout.post('/v1/auth/logout').expect(204);
    });
  });

  it('password change', async () => {
    const { client, input } = await signUp(server);
    const laptop = await secondLogin(server, input);
    await endDuringSlowRequest(laptop, () =>
      client
        .post('/v1/auth/password', { currentPassword: input.password, newPassword: 'violet-harbour-lantern-93' })
        .expect(204),
    );
  });

  it('the account disabled by an admin', async () => {
    const { client: admin, user: adminUser } = await signUp(server);
    await grantDirectly(adminUser.id, 'admin');
    const { client: victim, user } = await signUp(server);
    await endDuringSlowRequest(victim, () => admin.patch(`/v1/admin/users/${user.id}`, { disabled: true }).expect(200));
  });
});
