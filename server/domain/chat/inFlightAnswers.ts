import type { ChatEvent } from './chatEvents.js';

/**
 * The answers this instance is streaming. An in-flight entry (streams collection) that no live stream owns was left by
 * a failure (the database went away before the answer was stored, or the process died): it is recovered on demand,
 * so the visitor never meets a permanent 409. This assumes one server process, as the conversation lock does; with
 * many instances (issue 17) a renewable lease on the entry replaces this set.
 */
export function inFlightAnswers() {
  const live = new Set<string>();
  return {
    isLive: (answerId: string) => live.has(answerId),
    /** Streams `events` while `answerId` counts as live in this instance. */
    async *own(answerId: string, events: AsyncGenerator<ChatEvent>): AsyncGenerator<ChatEvent> {
      live.add(answerId);
      try {
        yield* events;
      } finally {
        live.delete(answerId);
      }
    },
  };
}
export type InFlightAnswers = ReturnType<typeof inFlightAnswers>;
