import { type AirState, isOnAir, type PostFacts, transitions } from './on-air.js';

const now = new Date('2026-06-01T12:00:00.000Z');
const past = new Date('2026-06-01T11:00:00.000Z');
const future = new Date('2026-06-01T13:00:00.000Z');

const post = (publishAt: Date | null, authorEnabled = true): PostFacts => ({ publishAt, authorEnabled });
const types = (result: ReturnType<typeof transitions>) => result.events.map((e) => `${e.type}#${e.sequence}/${e.of}`);

describe('isOnAir', () => {
  it('is on from publishAt (inclusive) while the author is enabled', () => {
    expect(isOnAir(post(now), now)).toBe(true);
    expect(isOnAir(post(past), now)).toBe(true);
    expect(isOnAir(post(new Date(now.getTime() + 1)), now)).toBe(false);
    expect(isOnAir(post(null), now)).toBe(false);
    expect(isOnAir(post(past, false), now)).toBe(false);
    expect(isOnAir(null, now)).toBe(false);
  });
});

describe('transitions', () => {
  const off: AirState = { onAir: false, sequence: 0 };
  const on: AirState = { onAir: true, sequence: 1 };

  it('publishing now or backdated goes on the air once', () => {
    expect(types(transitions(off, null, post(past), now))).toEqual(['post.published#1/after']);
    expect(types(transitions(off, post(null), post(new Date(0)), now))).toEqual(['post.published#1/after']);
  });

  it('scheduling, editing a draft, or rescheduling in the future yields nothing', () => {
    expect(transitions(off, null, post(future), now).events).toEqual([]);
    expect(transitions(off, post(null), post(null), now).events).toEqual([]);
    expect(transitions(off, post(future), post(new Date(future.getTime() + 1)), now).events).toEqual([]);
  });

  it('unpublishing, rescheduling into the future and deleting a live post go off the air once', () => {
    expect(types(transitions(on, post(past), post(null), now))).toEqual(['post.unpublished#2/before']);
    expect(types(transitions(on, post(past), post(future), now))).toEqual(['post.unpublished#2/before']);
    expect(types(transitions(on, post(past), null, now))).toEqual(['post.unpublished#2/before']);
  });

  it('moving a live post within the past, or editing it, yields nothing', () => {
    expect(transitions(on, post(past), post(new Date(0)), now)).toEqual({ events: [], state: on });
    expect(transitions(on, post(past), post(past), now)).toEqual({ events: [], state: on });
  });

  it('re-publishing with the same publishAt is a new transition', () => {
    const unpublished = transitions(on, post(past), post(null), now).state;
    expect(types(transitions(unpublished, post(null), post(past), now))).toEqual(['post.published#3/after']);
  });

  it('the clock: a due post goes on the air when touched, and both transitions between two ticks are kept', () => {
    expect(types(transitions(off, post(past), post(past), now))).toEqual(['post.published#1/before']);
    expect(types(transitions(off, post(past), post(null), now))).toEqual(['post.published#1/before', 'post.unpublished#2/before']);
    expect(types(transitions(off, post(past), null, now))).toEqual(['post.published#1/before', 'post.unpublished#2/before']);
  });

  it('an author disabled takes live posts off the air; enabled puts them back; scheduled ones wait', () => {
    expect(types(transitions(on, post(past), post(past, false), now))).toEqual(['post.unpublished#2/before']);
    expect(types(transitions({ onAir: false, sequence: 2 }, post(past, false), post(past), now))).toEqual(['post.published#3/after']);
    expect(transitions(off, post(past, false), post(past, false), now).events).toEqual([]);
    expect(transitions(off, post(future), post(future, false), now).events).toEqual([]);
  });

  // Every combination of recorded state, post before and after: the invariants of the rule.
  it('holds its invariants in every case', () => {
    const facts: Array<PostFacts | null> = [null];
    for (const publishAt of [null, past, now, future]) for (const enabled of [true, false]) facts.push(post(publishAt, enabled));
    let cases = 0;
    for (const recorded of [off, on, { onAir: false, sequence: 7 }]) {
      for (const before of facts) {
        for (const after of facts) {
          const { events, state } = transitions(recorded, before, after, now);
          cases++;
          // The recorded state ends as the rule says for the post after the write.
          expect(state.onAir).toBe(isOnAir(after, now));
          // One number per event, consecutive from the recorded one.
          expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => recorded.sequence + i + 1));
          expect(state.sequence).toBe(recorded.sequence + events.length);
          // Alternating, starting from the recorded state: never two publications in a row.
          let expectedOn = recorded.onAir;
          for (const event of events) {
            expect(event.type).toBe(expectedOn ? 'post.unpublished' : 'post.published');
            expectedOn = !expectedOn;
          }
          expect(expectedOn).toBe(state.onAir);
          // At most the missed clock transition and the write's own.
          expect(events.length).toBeLessThanOrEqual(2);
          // An event describes a version that was on the air: published the one going on,
          // unpublished the one going off. (Recorded on while the rule says off before the
          // write cannot happen: only the clock moves a post without a write, and only onto it.)
          if (recorded.onAir && !isOnAir(before, now)) continue;
          for (const event of events) expect(isOnAir(event.of === 'before' ? before : after, now)).toBe(true);
        }
      }
    }
    expect(cases).toBe(3 * 9 * 9);
  });
});
