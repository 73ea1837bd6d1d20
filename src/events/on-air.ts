// The on-air rule and its transitions, as one rule in two forms: this pure function (tested
// case by case) and the trigger `posts_on_air` in the publication state migration, which
// applies it at commit on every write, and to the clock through the publication job.
// test/integration/on-air-trigger.spec.ts runs both over the same cases.
import type { EventType } from './event-types.js';

/** What the on-air rule looks at; `null` is a post that does not exist (before insert, after delete). */
export interface PostFacts {
  publishAt: Date | null;
  authorEnabled: boolean;
}

/** What is recorded on the post: the state of the last transition, and how many there were. */
export interface AirState {
  onAir: boolean;
  sequence: number;
}

export interface Transition {
  type: EventType;
  sequence: number;
  /** Which version of the post the event describes. */
  of: 'before' | 'after';
}

/** On the air while its author is enabled and its publishAt has passed (inclusive). */
export function isOnAir(post: PostFacts | null, now: Date): boolean {
  return !!post && post.authorEnabled && post.publishAt !== null && post.publishAt.getTime() <= now.getTime();
}

/**
 * The events that one write (or the clock, a write that changes nothing) yields. A post whose
 * publishAt passed since the last recorded transition went on the air then, even if no job
 * saw it: that transition comes first, so publish and unpublish inside one tick yield both.
 */
export function transitions(
  recorded: AirState,
  before: PostFacts | null,
  after: PostFacts | null,
  now: Date,
): { events: Transition[]; state: AirState } {
  const events: Transition[] = [];
  let sequence = recorded.sequence;
  const wasOnAir = isOnAir(before, now);
  // Only the clock moves a post without a write, and only onto the air.
  if (wasOnAir && !recorded.onAir) events.push({ type: 'post.published', sequence: ++sequence, of: 'before' });
  if (!wasOnAir && recorded.onAir) events.push({ type: 'post.unpublished', sequence: ++sequence, of: 'before' });
  const isNowOnAir = isOnAir(after, now);
  if (isNowOnAir !== wasOnAir) {
    events.push({
      type: isNowOnAir ? 'post.published' : 'post.unpublished',
      sequence: ++sequence,
      of: isNowOnAir ? 'after' : 'before',
    });
  }
  return { events, state: { onAir: isNowOnAir, sequence } };
}
