import { randomUUID } from 'node:crypto';
import { DatabaseService } from '../database/database.service.js';
import { AuditClient } from './audit-client.js';

export interface Tenant {
  client: AuditClient;
  id: string;
  email: string;
  handle: string;
  /** One post per status, all tagged. */
  posts: { draft: SeedPost; scheduled: SeedPost; published: SeedPost };
  tagId: string;
  sessionHandles: string[];
  webhookId: string;
  webhookSecret: string;
  deliveryId: string;
}

export interface SeedPost {
  id: string;
  slug: string;
  title: string;
}

export interface Cast {
  a: Tenant;
  b: Tenant;
  admin: AuditClient;
  auditor: AuditClient;
  /** Signed in, holding no permission at all. */
  reader: AuditClient;
  anonymous: AuditClient;
  readerId: string;
}

const password = 'audit-probe-password-1';

async function account(baseUrl: string, name: string) {
  const client = await new AuditClient(baseUrl, name).start();
  const tag = randomUUID().slice(0, 8);
  const email = `${name}-${tag}@audit.example`;
  const handle = `${name}-${tag}`;
  const { user } = await client.must('POST', '/v1/auth/signup', {
    email,
    password,
    displayName: `${name} ${tag}`,
    handle,
  });
  await client.refreshToken();
  return { client, id: user.id as string, email, handle, tag };
}

async function tenant(baseUrl: string, name: string): Promise<Tenant> {
  const { client, id, email, handle, tag } = await account(baseUrl, name);
  const tagId = (await client.must('POST', '/v1/tags', { name: `${name}-tag-${tag}` })).id;
  const post = async (status: string, publishAt: string | null) => {
    const title = `${name}-${status}-${tag}`;
    const created = await client.must('POST', '/v1/posts', { title, body: `${title} body`, publishAt, tagIds: [tagId] });
    return { id: created.id, slug: created.slug, title };
  };
  const posts = {
    draft: await post('draft', null),
    scheduled: await post('scheduled', '2999-01-01T00:00:00Z'),
    published: await post('published', '2001-01-01T00:00:00Z'),
  };
  const sessions = await client.must('GET', '/v1/auth/sessions');
  const webhook = await client.must('POST', '/v1/webhooks', {
    url: 'http://127.0.0.1:9/never-called',
    events: ['post.published', 'post.unpublished'],
  });
  return {
    client,
    id,
    email,
    handle,
    posts,
    tagId,
    sessionHandles: sessions.items.map((s: { id: string }) => s.id),
    webhookId: webhook.id,
    webhookSecret: webhook.secret,
    deliveryId: '',
  };
}

/** An event and a delivery for each tenant's published post, as the jobs would write them. */
async function seedDeliveries(database: DatabaseService, tenants: Tenant[]): Promise<void> {
  const db = database.unscoped('isolation audit: seeding outbox rows in its disposable database');
  for (const t of tenants) {
    const event = await db.outboxEvent.create({
      data: {
        userId: t.id,
        type: 'post.published',
        postId: t.posts.published.id,
        publishAt: new Date('2001-01-01T00:00:00Z'),
        data: { post: { id: t.posts.published.id } },
        // Far past the post's own transitions, which its triggers have evented already.
        sequence: 1000,
      },
    });
    // The fan-out trigger may have made the delivery already (when the endpoint subscribes).
    const dead = { state: 'dead', attempts: 10 };
    const delivery = await db.webhookDelivery.upsert({
      where: { endpointId_eventId: { endpointId: t.webhookId, eventId: event.id } },
      create: { userId: t.id, endpointId: t.webhookId, eventId: event.id, ...dead },
      update: dead,
    });
    t.deliveryId = delivery.id;
  }
}

/** Two tenants with data in every tenant model, an admin, an auditor and a reader. */
export async function seed(baseUrl: string, database: DatabaseService): Promise<Cast> {
  const a = await tenant(baseUrl, 'tenant-a');
  const b = await tenant(baseUrl, 'tenant-b');
  await seedDeliveries(database, [a, b]);
  const admin = await account(baseUrl, 'admin');
  const auditor = await account(baseUrl, 'auditor');
  const reader = await account(baseUrl, 'reader');
  const db = database.unscoped('isolation audit: seeding roles in its disposable database');
  await db.userRole.createMany({
    data: [
      { userId: admin.id, roleName: 'admin' },
      { userId: auditor.id, roleName: 'auditor' },
    ],
  });
  await db.userRole.deleteMany({ where: { userId: reader.id } });
  return {
    a,
    b,
    admin: admin.client,
    auditor: auditor.client,
    reader: reader.client,
    readerId: reader.id,
    anonymous: await new AuditClient(baseUrl, 'anonymous').start(),
  };
}
