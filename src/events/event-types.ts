export const eventTypes = ['post.published', 'post.unpublished'] as const;
export type EventType = (typeof eventTypes)[number];
