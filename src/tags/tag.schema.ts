import { component, object, page, text, uuid } from '../http/openapi/schemas.js';

export const Tag = component('Tag', object({ id: uuid(), name: text('travel', { minLength: 1, maxLength: 60 }) }));
export const TagPage = page(Tag);
