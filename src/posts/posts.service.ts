import { Injectable } from '@nestjs/common';
import { CursorCodec, paginate } from '../http/cursor.js';
import { ConflictProblem, NotFoundProblem, UnprocessableProblem } from '../http/problems.js';
import { uniqueViolationField } from '../database/database-errors.js';
import type { CreatePostDto, UpdatePostDto } from './dto/post-input.dto.js';
import type { PostListQuery } from './dto/post-list.query.js';
import { type PostRow, toPostView } from './post-view.js';
import { PostsRepository, type PostWrite } from './posts.repository.js';
import { slugify } from './slug.js';

const listName = 'posts:mine';

const foreignTags = () =>
  new UnprocessableProblem('tagIds names a tag that does not exist.', [
    { field: 'tagIds', message: 'tagIds names a tag that does not exist' },
  ]);

/** Prisma's "a record this write depends on was not found": here, a tag that vanished. */
const isMissingRecord = (error: unknown) => (error as { code?: string })?.code === 'P2025';

@Injectable()
export class PostsService {
  constructor(
    private readonly posts: PostsRepository,
    private readonly cursors: CursorCodec,
  ) {}

  async list(query: PostListQuery) {
    const { items, nextCursor } = await paginate(
      this.cursors,
      listName,
      query,
      (after, limit) => this.posts.list({ status: query.status, after, limit }),
      (post) => ({ at: post.createdAt, id: post.id }),
    );
    return { items: items.map(toPostView), nextCursor };
  }

  async get(id: string) {
    return toPostView(await this.require(id));
  }

  async create(input: CreatePostDto) {
    const tagIds = await this.ownTags(input.tagIds);
    const data = { ...this.fields(input), title: input.title };
    const id = await this.withSlug(input.slug, input.title, (slug) =>
      this.posts.create({ ...data, slug }, tagIds),
    );
    return this.get(id);
  }

  async update(id: string, input: UpdatePostDto) {
    await this.require(id);
    const tagIds = input.tagIds && (await this.ownTags(input.tagIds));
    // A title edit keeps the slug, so published URLs stay stable; a new slug must be asked for.
    try {
      await this.posts.update(id, { ...this.fields(input), slug: input.slug }, tagIds);
    } catch (error) {
      if (uniqueViolationField(error, ['slug'])) throw new ConflictProblem('That slug is already used by another of your posts.');
      if (isMissingRecord(error)) throw foreignTags();
      throw error;
    }
    return this.get(id);
  }

  async delete(id: string) {
    if (!(await this.posts.delete(id))) throw new NotFoundProblem('post');
  }

  /** Goes live at `publishAt`, or now (the database clock) when none is given. */
  async publish(id: string, publishAt?: string) {
    const post = await this.require(id);
    if (!publishAt && post.status === 'published') return toPostView(post);
    const at = publishAt ? new Date(publishAt) : await this.posts.now();
    await this.posts.update(id, { publishAt: at });
    return this.get(id);
  }

  /**
   * Back to draft. Taking a live post off the air, here or by any other change of
   * publishAt, writes its `post.unpublished` event at once (a trigger; see the migrations).
   */
  async unpublish(id: string) {
    await this.require(id);
    await this.posts.update(id, { publishAt: null });
    return this.get(id);
  }

  private async require(id: string): Promise<PostRow> {
    const post = await this.posts.find(id);
    if (!post) throw new NotFoundProblem('post');
    return post;
  }

  private fields(input: UpdatePostDto): PostWrite {
    return {
      title: input.title,
      body: input.body,
      editorialDate: input.editorialDate ? new Date(`${input.editorialDate}T00:00:00Z`) : undefined,
      publishAt: input.publishAt == null ? input.publishAt : new Date(input.publishAt),
    };
  }

  /** Every id must be one of the caller's own tags, else nothing is linked. */
  private async ownTags(tagIds: string[] = []): Promise<string[]> {
    const unique = [...new Set(tagIds)];
    if (unique.length && (await this.posts.countOwnTags(unique)) !== unique.length) {
      throw foreignTags();
    }
    return unique;
  }

  /** An explicit slug must be free; a derived one gets -2, -3 ... until it is. */
  private async withSlug(
    explicit: string | undefined,
    title: string,
    write: (slug: string) => Promise<string>,
  ): Promise<string> {
    const base = explicit ?? slugify(title);
    for (let attempt = 1; ; attempt++) {
      const slug = attempt === 1 ? base : `${base}-${attempt}`;
      try {
        return await write(slug);
      } catch (error) {
        if (isMissingRecord(error)) throw foreignTags();
        if (!uniqueViolationField(error, ['slug'])) throw error;
        if (explicit || attempt >= 50) {
          throw new ConflictProblem('That slug is already used by another of your posts.');
        }
      }
    }
  }
}
