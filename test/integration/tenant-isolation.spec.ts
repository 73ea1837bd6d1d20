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
    const users = moduleRef.get(DatabaseService).unscoped('test: seeding two tenants').user;
    for (const who of [a, b]) {
      const tag = randomUUID().slice(0, 8);
      who.id = (
        await users.create({
          data: { email: `${tag}@example.com`, handle: `t-${tag}`, displayName: tag, passwordHash: 'x' },
        })
      ).id;
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

  it('refuses raw reads that name a tenant table instead of my_<table>', async () => {
    await expect(asB(() => tenant.read(sql`SELECT id FROM posts`))).rejects.toThrow(TenantScopeViolation);
    await expect(asB(() => tenant.read(sql`SELECT p.id FROM my_posts p JOIN "tags" t ON true`))).rejects.toThrow(
      TenantScopeViolation,
    );
    const rows = await asB(() => tenant.read<{ id: string }>(sql`SELECT id FROM my_posts`));
    expect(rows.map((r) => r.id)).toEqual([b.postId]);
  });

  it('refuses platform models through the tenant client', async () => {
    const client = tenant.client as unknown as { $transaction: TenantDatabase['client']['$transaction'] };
    await expect(
      asB(() => client.$transaction(async (tx) => (tx as unknown as { user: { findMany(): Promise<unknown> } }).user.findMany())),
    ).rejects.toThrow(TenantScopeViolation);
  });
});
