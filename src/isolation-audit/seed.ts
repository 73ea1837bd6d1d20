import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { AuditClient } from './audit-client.js';

export interface Tenant {
  client: AuditClient;
  id: string;
  email: string;
  handle: string;
  displayName: string;
  password: string;
  /** A word of the tenant's content that appears in no one else's: a search term. */
  word: string;
  /** One post per status, all tagged. */
  posts: { draft: SeedPost; scheduled: SeedPost; published: SeedPost };
  tagId: string;
  tagName: string;
  sessionHandles: string[];
  webhookId: string;
  webhookUrl: string;
  webhookSecret: string;
  deliveryId: string;
  eventId: string;
}

/** The tenant's ids of every model, for path parameters and body fields. */
export function idsOf(t: Tenant): string[] {
  return [
    t.id,
    ...Object.values(t.posts).map((p) => p.id),
    t.tagId,
    t.webhookId,
    t.deliveryId,
    t.eventId,
    ...t.sessionHandles,
  ];
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
  return { client, id: user.id as string, email, handle, tag, displayName: `${name} ${tag}` };
}

async function tenant(baseUrl: string, name: string): Promise<Tenant> {
  const { client, id, email, handle, tag, displayName } = await account(baseUrl, name);
  const tagName = `${name}-tag-${tag}`;
  const tagId = (await client.must('POST', '/v1/tags', { name: tagName })).id;
  const post = async (status: string, publishAt: string | null) => {
    const title = `${name}-${status}-${tag}-harbour${tag}`;
    const created = await client.must('POST', '/v1/posts', { title, body: `${title} body`, publishAt, tagIds: [tagId] });
    return { id: created.id, slug: created.slug, title };
  };
  const posts = {
    draft: await post('draft', null),
    scheduled: await post('scheduled', '2999-01-01T00:00:00Z'),
    published: await post('published', '2001-01-01T00:00:00Z'),
  };
  const sessions = await client.must('GET', '/v1/auth/sessions');
  const webhookUrl = `http://127.0.0.1:9/never-called-${tag}`;
  const webhook = await client.must('POST', '/v1/webhooks', {
    url: webhookUrl,
    events: ['post.published', 'post.unpublished'],
  });
  return {
    client,
    id,
    email,
    handle,
    displayName,
    password,
    word: `harbour${tag}`,
    posts,
    tagId,
    tagName,
    sessionHandles: sessions.items.map((s: { id: string }) => s.id),
    webhookId: webhook.id,
    webhookUrl,
    webhookSecret: webhook.secret,
    deliveryId: '',
    eventId: '',
  };
}

/**
 * An event and a delivery for each tenant's published post, as the jobs would write them.
 * Written over the audit's own connection (`db`), not the application's: under row-level
 * security the application's role could not write them without a tenant.
 */
async function seedDeliveries(db: pg.Client, tenants: Tenant[]): Promise<void> {
  for (const t of tenants) {
    // sequence: far past the post's own transitions, which its triggers have evented already.
    const { rows: [event] } = await db.query<{ id: string }>(
      `INSERT INTO outbox_events (user_id, type, post_id, sequence, publish_at, data)
       VALUES ($1, 'post.published', $2, 1000, '2001-01-01T00:00:00Z', $3) RETURNING id`,
      [t.id, t.posts.published.id, JSON.stringify({ post: { id: t.posts.published.id } })],
    );
    // The fan-out trigger may have made the delivery already (when the endpoint subscribes).
    const { rows: [delivery] } = await db.query<{ id: string }>(
      `INSERT INTO webhook_deliveries (user_id, endpoint_id, event_id, state, attempts)
       VALUES ($1, $2, $3, 'dead', 10)
       ON CONFLICT (endpoint_id, event_id) DO UPDATE SET state = 'dead', attempts = 10 RETURNING id`,
      [t.id, t.webhookId, event.id],
    );
    t.deliveryId = delivery.id;
    t.eventId = event.id;
  }
}

/** Two tenants with data in every tenant model, an admin, an auditor and a reader. */
export async function seed(baseUrl: string, db: pg.Client): Promise<Cast> {
  const a = await tenant(baseUrl, 'tenant-a');
  const b = await tenant(baseUrl, 'tenant-b');
  await seedDeliveries(db, [a, b]);
  const admin = await account(baseUrl, 'admin');
  const auditor = await account(baseUrl, 'auditor');
  const reader = await account(baseUrl, 'reader');
  await db.query(`INSERT INTO user_roles (user_id, role_name) VALUES ($1, 'admin'), ($2, 'auditor')`, [admin.id, auditor.id]);
  await db.query('DELETE FROM user_roles WHERE user_id = $1', [reader.id]);
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
