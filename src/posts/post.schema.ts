import { component, dateTime, nullableDateTime, object, page, text, uuid } from '../http/openapi/schemas.js';
import { Tag } from '../tags/tag.schema.js';

export const editorialDate = text('2026-11-01', {
  format: 'date',
  description: 'A calendar date; it does not change when the post is published or rescheduled.',
});

export const Post = component(
  'Post',
  object({
    id: uuid(),
    title: text('Notes from the harbour'),
    slug: text('notes-from-the-harbour'),
    body: text('The boats came in late.'),
    editorialDate,
    publishAt: nullableDateTime('When it goes (or went) live; null for a draft.'),
    status: {
      type: 'string',
      enum: ['draft', 'scheduled', 'published'],
      description: 'Derived at read time from the database clock and publishAt.',
      example: 'scheduled',
    },
    firstPublishedAt: nullableDateTime('When it first went live, if it ever did.'),
    tags: { type: 'array', items: Tag.ref },
    createdAt: dateTime(),
    updatedAt: dateTime(),
  }),
);
export const PostPage = page(Post);
