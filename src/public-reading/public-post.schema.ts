import { component, dateTime, object, page, text, uuid } from '../http/openapi/schemas.js';
import { editorialDate } from '../posts/post.schema.js';
import { Tag } from '../tags/tag.schema.js';

export const PublicPost = component(
  'PublicPost',
  object({
    id: uuid(),
    title: text('Notes from the harbour'),
    slug: text('notes-from-the-harbour'),
    body: text('The boats came in late.'),
    editorialDate,
    publishedAt: dateTime('When it went live; always in the past.'),
    author: object({ handle: text('ada'), displayName: text('Ada Lovelace') }),
    tags: { type: 'array', items: Tag.ref },
  }),
);
export const PublicPostPage = page(PublicPost);
