import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../generated/prisma/client.js';
import { runtimeModels } from './tenant-database.service.js';
import { TenantScopeViolation, TenantScoper } from './tenant-scoper.js';

// The real data model; no connection is made.
const models = runtimeModels(
  new PrismaClient({ adapter: new PrismaPg({ connectionString: 'postgresql://unused/none' }) }),
);
const scoper = new TenantScoper(models);
const me = '00000000-0000-4000-8000-00000000000a';
const other = '00000000-0000-4000-8000-00000000000b';

describe('TenantScoper', () => {
  it('knows every model with a userId as tenant data, and only those', () => {
    // Session and UserRole rows belong to one user too; platform code reaches them unscoped.
    expect([...scoper.tenantModels].sort()).toEqual([
      'IdempotencyKey',
      'OutboxEvent',
      'Post',
      'PostTag',
      'Session',
      'Tag',
      'UserRole',
      'WebhookDelivery',
      'WebhookEndpoint',
    ]);
  });

  it('adds the user to reads, counts, aggregates, updates and deletes', () => {
    for (const operation of ['findMany', 'findFirst', 'findUnique', 'count', 'aggregate', 'groupBy', 'updateMany', 'update', 'delete', 'deleteMany']) {
      expect(scoper.scope('Post', operation, { where: { id: 'p1' } }, me).where).toEqual({ id: 'p1', userId: me });
    }
    expect(scoper.scope('Tag', 'count', undefined, me)).toEqual({ where: { userId: me } });
  });

  it('refuses a filter or a create that names another user', () => {
    expect(() => scoper.scope('Post', 'findMany', { where: { userId: other } }, me)).toThrow(TenantScopeViolation);
    expect(() => scoper.scope('Tag', 'create', { data: { name: 'x', userId: other } }, me)).toThrow(TenantScopeViolation);
    expect(() => scoper.scope('Tag', 'create', { data: { name: 'x', user: { connect: { id: other } } } }, me)).toThrow(TenantScopeViolation);
  });

  it('turns references to tenant rows into connects confined to the user', () => {
    const scoped = scoper.scope('PostTag', 'create', { data: { postId: 'p1', tagId: 't1', userId: me } }, me);
    expect(scoped.data).toEqual({
      post: { connect: { id: 'p1', userId: me } },
      tag: { connect: { id: 't1', userId: me } },
      user: { connect: { id: me } },
    });
    expect(() => scoper.scope('PostTag', 'createMany', { data: [{ postId: 'p1', tagId: 't1' }] }, me)).toThrow(
      TenantScopeViolation,
    );
  });

  it('stamps the owner on creates, nested creates included, in either input form', () => {
    const scoped = scoper.scope(
      'Post',
      'create',
      { data: { title: 't', slug: 's', tags: { create: [{ tag: { connect: { id: 't1' } } }] } } },
      me,
    );
    expect(scoped.data).toEqual({
      title: 't',
      slug: 's',
      user: { connect: { id: me } },
      tags: {
        create: [{ tag: { connect: { id: 't1', userId: me } }, user: { connect: { id: me } } }],
      },
    });
    expect(scoper.scope('Tag', 'createMany', { data: [{ name: 'a' }] }, me).data).toEqual([{ name: 'a', userId: me }]);
  });

  it('confines nested connects, deletes and relation filters', () => {
    const scoped = scoper.scope(
      'Post',
      'update',
      { where: { id: 'p1' }, data: { tags: { deleteMany: {}, connect: [{ postId_tagId: { postId: 'p1', tagId: 't1' } }] } } },
      me,
    );
    expect(scoped.data.tags.deleteMany).toEqual({ userId: me });
    expect(scoped.data.tags.connect[0].userId).toBe(me);
    const filtered = scoper.scope('Post', 'findMany', { where: { tags: { some: { tagId: 't1' } } } }, me);
    expect(filtered.where.tags.some).toEqual({ tagId: 't1', userId: me });
  });

  it('filters nested list reads but leaves to-one reads alone', () => {
    const scoped = scoper.scope('Post', 'findMany', { include: { tags: { include: { tag: true } } } }, me);
    expect(scoped.include.tags).toEqual({ where: { userId: me }, include: { tag: {} } });
  });

  it('refuses operations it does not know', () => {
    expect(() => scoper.scope('Post', 'findRaw', {}, me)).toThrow(TenantScopeViolation);
  });
});
