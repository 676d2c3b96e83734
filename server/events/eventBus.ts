/**
 * The one event bus (ARCHITECTURE decision 9): handoff, the live inbox and cache invalidation publish on it. An event
 * reaches every subscriber of its topic on every instance that is connected at that moment, at most once; nothing is
 * stored, so what must survive (messages, modes, settings) lives in the database and an event only says "look again".
 *
 * In-process by default (one instance); Redis pub/sub when `REDIS_URL` is set (`redisBus`).
 */
export interface EventBus {
  /** Sends `event` (JSON-serialisable) to the topic's subscribers on every instance. */
  publish(topic: string, event: unknown): Promise<void>;
  /** Calls `listener` for each event of `topic` from now on; returns the unsubscribe function. */
  subscribe(topic: string, listener: EventListener): () => void;
  /** Resolves once subscriptions made so far receive events (Redis confirms them asynchronously). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

export type EventListener = (event: unknown) => void;

/** The listeners of each topic; both buses keep them this way. */
export function topicListeners() {
  const topics = new Map<string, Set<EventListener>>();
  return {
    /** Adds a listener; `first` is true when the topic had none. */
    add(topic: string, listener: EventListener): { first: boolean } {
      const set = topics.get(topic) ?? new Set();
      const first = set.size === 0;
      set.add(listener);
      topics.set(topic, set);
      return { first };
    },
    /** Removes a listener; `last` is true when the topic has none left. */
    remove(topic: string, listener: EventListener): { last: boolean } {
      const set = topics.get(topic);
      if (!set?.delete(listener)) return { last: false };
      if (set.size) return { last: false };
      topics.delete(topic);
      return { last: true };
    },
    deliver(topic: string, event: unknown) {
      // A copy: a listener may unsubscribe while it runs. A throwing listener must not starve the others.
      for (const listener of [...(topics.get(topic) ?? [])]) {
        try {
          listener(event);
        } catch {}
      }
    },
    topics: () => [...topics.keys()],
    clear: () => topics.clear(),
  };
}

/**
 * The bus of a single instance. Events are delivered asynchronously (as Redis would) and as JSON copies, so code
 * that passes with this bus does not depend on sharing objects or on synchronous delivery.
 */
export function inProcessBus(): EventBus {
  const listeners = topicListeners();
  return {
    async publish(topic, event) {
      const copy = JSON.stringify(event);
      queueMicrotask(() => listeners.deliver(topic, JSON.parse(copy)));
    },
    subscribe(topic, listener) {
      listeners.add(topic, listener);
      return () => void listeners.remove(topic, listener);
    },
    ready: async () => {},
    async close() {
      listeners.clear();
    },
  };
}
