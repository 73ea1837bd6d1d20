import type { TestingModule } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { DatabaseService } from '../../src/database/database.service.js';
import { sql } from '../../src/database/sql.js';
import { MissingTenantError, runAsTenant } from '../../src/database/tenant/tenant-context.js';
import { TenantDatabase } from '../../src/database/tenant/tenant-database.service.js';
import { TenantScopeViolation } from '../../src/database/tenant/tenant-scoper.js';
import { PostsRepository } from '../../src/posts/posts.repository.js';
import { TagsRepository } from '../../src/tags/tags.repository.js';
import { dataLayerModule } from '../support/nest-context.js';

describe('tenant data layer', () => {
  let moduleRef: TestingModule;
  let posts: PostsRepository;
  let tags: TagsRepository;
  let tenant: TenantDatabase;
  const a = { id: '', postId: '', tagId: '', slug: '' };
  const b = { id: '', postId: '', tagId: '', slug: '' };

  beforeAll(async () => {
    moduleRef = await dataLayerModule([PostsRepository, TagsRepository]);
    posts = moduleRef.get(PostsRepository);
    tags = moduleRef.get(TagsRepository);
    tenant = moduleRef.get(TenantDatabase);
    // Accounts are made through sign-up's own function (the application role may not insert users).
    const db = moduleRef.get(DatabaseService).unscoped('test: seeding two tenants');
    for (const who of [a, b]) {
      const tag = randomUUID().slice(0, 8);
      const [account] = await db.$queryRaw<{ id: string }[]>`
        SELECT id FROM create_account(${`${tag}@example.com`}, ${`t-${tag}`}, ${tag}, 'x')`;
      who.id = account.id;
      who.slug = `post-${tag}`;
      await runAsTenant(who.id, async () => {
        who.tagId = (await tags.create(`tag-${tag}`)).id;
        who.postId = await posts.create(
          { title: who.slug, slug: who.slug, publishAt: new Date('2001-01-01') },
          [who.tagId],
        );
      });
    }
  });
  afterAll(() => moduleRef.close());

  // Prisma queries run when awaited, so the await belongs inside the tenant context.
  const asB = <T>(fn: () => Promise<T>) => runAsTenant(b.id, async () => await fn());

  it('never returns A’s rows to B, by id or in lists', async () => {
    expect(await asB(() => posts.find(a.postId))).toBeNull();
    const mine = await asB(() => posts.list({ limit: 100 }));
    expect(mine.map((p) => p.id)).toEqual([b.postId]);
    expect(mine[0].tags.map((t) => t.id)).toEqual([b.tagId]);
    const myTags = await asB(() => tags.list(100));
    expect(myTags.map((t) => t.id)).toEqual([b.tagId]);
  });

  it('never counts A’s rows for B', async () => {
    expect(await asB(() => posts.countOwnTags([a.tagId, b.tagId]))).toBe(1);
    const bySlug = () => tenant.client.post.count({ where: { slug: a.slug } });
    expect(await asB(bySlug)).toBe(0);
    expect(await runAsTenant(a.id, async () => await bySlug())).toBe(1);
    expect(await asB(() => tenant.client.post.count())).toBe(1);
    const sum = await asB(() => tenant.client.postTag.aggregate({ _count: { _all: true } }));
    expect(sum._count._all).toBe(1);
  });

  it('never changes or deletes A’s rows for B', async () => {
    await expect(asB(() => posts.update(a.postId, { title: 'stolen' }))).rejects.toThrow();
    expect(await asB(() => posts.delete(a.postId))).toBe(false);
    expect(await asB(() => tags.delete(a.tagId))).toBe(false);
    const { count } = await asB(() => tenant.client.post.updateMany({ data: { title: 'all mine' } }));
    expect(count).toBe(1);
    const still = await runAsTenant(a.id, () => posts.find(a.postId));
    expect(still?.title).not.toBe('stolen');
    expect(still?.title).not.toBe('all mine');
    expect(still?.tags.map((t) => t.id)).toEqual([a.tagId]);
  });

  it('refuses to link B’s post to A’s tag, by id or by nested connect', async () => {
    // P2025: the connect, confined to B, finds no such tag.
    const notFound = { code: 'P2025' };
    await expect(asB(() => posts.update(b.postId, {}, [a.tagId]))).rejects.toMatchObject(notFound);
    await expect(
      asB(() =>
        tenant.client.post.update({
          where: { id: b.postId },
          data: {
            tags: { create: [{ tag: { connect: { id: a.tagId } }, user: { connect: { id: b.id } } }] },
          },
        }),
      ),
    ).rejects.toMatchObject(notFound);
    await expect(
      asB(() =>
        tenant.client.postTag.create({ data: { postId: b.postId, tagId: a.tagId, userId: b.id } }),
      ),
    ).rejects.toMatchObject(notFound);
    const links = await asB(() => posts.find(b.postId));
    expect(links?.tags.map((t) => t.id)).toEqual([b.tagId]);
  });

  it('fails closed with no user in context', async () => {
    await expect(posts.find(a.postId)).rejects.toThrow(MissingTenantError);
    await expect(tags.list(10)).rejects.toThrow(MissingTenantError);
    await expect(runAsTenant(null, () => tenant.client.post.findMany())).rejects.toThrow(MissingTenantError);
  });

  // The spellings that slipped the old regex guard: row-level security sees only B's rows
  // whatever the SQL says, and READ ONLY refuses writes.
  const spellings = () => [
    sql`SELECT id FROM posts`,
    sql`SELECT id FROM "public"."posts"`,
    sql`SELECT id FROM public.posts`,
    sql`SELECT id FROM ONLY posts`,
    sql`SELECT id FROM/**/posts`,
    sql`SELECT id FROM (TABLE posts) x`,
    sql`SELECT p.id FROM tags t,posts p`,
    sql`SELECT id FROM POSTS`,
    sql`SELECT id FROM posts WHERE true OR user_id IS NOT NULL`,
    sql`WITH x AS (SELECT * FROM posts) SELECT id FROM x`,
    sql`SELECT post_id AS id FROM post_tags`,
    sql`SELECT id FROM posts UNION SELECT id FROM posts WHERE user_id <> ${b.id}::uuid`,
    sql`SELECT (SELECT array_agg(id) FROM posts)[1] AS id`,
    sql`SELECT id FROM pg_catalog.pg_class c, LATERAL (SELECT id FROM posts) p WHERE c.relname = 'posts'`,
  ];

  it('shows B only B’s rows through read(), however the SQL names the tables', async () => {
    for (const query of spellings()) {
      const rows = await asB(() => tenant.read<{ id: string }>(query)).catch((error) => {
        throw new Error(`${query.sql}: ${error.message}`);
      });
      expect(rows.map((r) => r.id).filter((id) => id !== null)).toEqual([b.postId]);
    }
  });

  it('refuses writes and second statements through read()', async () => {
    await expect(
      asB(() => tenant.read(sql`UPDATE posts SET title = 'via read' RETURNING id`)),
    ).rejects.toThrow(/read-only/);
    await expect(
      asB(() => tenant.read(sql`WITH d AS (DELETE FROM tags RETURNING id) SELECT id FROM d`)),
    ).rejects.toThrow(/read-only/);
    await expect(asB(() => tenant.read(sql`SELECT 1; DELETE FROM tags`))).rejects.toThrow();
    const still = await asB(() => posts.find(b.postId));
    expect(still?.title).not.toBe('via read');
    expect(still?.tags.map((t) => t.id)).toEqual([b.tagId]);
  });

  it('joins every statement of TenantDatabase.transaction, and rolls them back together', async () => {
    const failing = asB(() =>
      tenant.transaction(async () => {
        await tags.create('inside-a-failed-transaction');
        const seen = await tenant.read<{ n: number }>(sql`SELECT count(*)::int AS n FROM tags WHERE name = 'inside-a-failed-transaction'`);
        expect(seen[0].n).toBe(1);
        throw new Error('give up');
      }),
    );
    await expect(failing).rejects.toThrow('give up');
    const left = await asB(() => tenant.client.tag.count({ where: { name: 'inside-a-failed-transaction' } }));
    expect(left).toBe(0);
    // A read-only read inside leaves the transaction writable.
    const kept = await asB(() =>
      tenant.transaction(async () => {
        await tenant.read(sql`SELECT id FROM posts`);
        return (await tags.create('inside-a-kept-transaction')).id;
      }),
    );
    expect(await asB(() => tenant.client.tag.count({ where: { id: kept } }))).toBe(1);
  });

  it('refuses platform models through the tenant client', async () => {
    const client = tenant.client as unknown as { $transaction: TenantDatabase['client']['$transaction'] };
    await expect(
      asB(() => client.$transaction(async (tx) => (tx as unknown as { user: { findMany(): Promise<unknown> } }).user.findMany())),
    ).rejects.toThrow(TenantScopeViolation);
  });
});
