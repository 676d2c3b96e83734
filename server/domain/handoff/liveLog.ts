import type { LiveEventRecord, LiveEventRepository } from '../../data/liveEventRepository.js';
import type { EventBus } from '../../events/eventBus.js';

/** The log of one conversation (its visitor's stream) and of one tenant (its inbox). */
export const conversationScope = (conversationId: string) => `c:${conversationId}`;
export const tenantScope = (tenantId: string) => `t:${tenantId}`;
const topicOf = (scope: string) => `live:${scope}`;

/** How long live events are kept: long enough for any reconnect; older state is read afresh from the database. */
export const LIVE_EVENT_RETENTION_MS = 7 * 24 * 3600_000;
export const LIVE_EVENT_SWEEP = 'live.sweep';

export interface Follower {
  /** Stops following (the stream closed). */
  stop(): void;
  /** Reads again (a heartbeat's safety net against a missed notice). */
  poll(): Promise<void>;
}

/**
 * The live logs: an event is appended in the database (ordered, resumable), then the bus tells every instance to look
 * again. A follower reads what it has not sent yet from the database, so a lost or doubled bus message loses or
 * doubles nothing, and a stream resumed with `Last-Event-ID` reads what it missed the same way.
 */
export function liveLog(deps: { events: LiveEventRepository; bus: EventBus; now: () => Date }) {
  const { events, bus, now } = deps;
  return {
    /** The time the log dates its events by (the database's clock in a server): a stream's credential expires on it. */
    now,
    head: (scope: string) => events.head(scope),
    /**
     * Where a stream resumed with `Last-Event-ID` continues: after that event, unless the sweep has removed what came
     * after it (`null`: the client starts afresh from the current state, as a new stream does).
     */
    async resumeAfter(scope: string, lastEventId: number): Promise<number | null> {
      if (await events.exists(scope, lastEventId + 1)) return lastEventId;
      return lastEventId < (await events.head(scope)) ? null : lastEventId;
    },
    /** Forgets the events older than the retention window (a recurring job; `LIVE_EVENT_RETENTION_MS`). */
    sweep: () => events.sweep(new Date(now().getTime() - LIVE_EVENT_RETENTION_MS)),
    async append(scope: string, type: string, data: Record<string, unknown>): Promise<number> {
      const seq = await events.append(scope, type, data, now());
      await bus.publish(topicOf(scope), { seq });
      return seq;
    },
    /**
     * Calls `deliver` with every event after `after`, in order and once each, from now until `stop()`; a failing read
     * is retried at the next notice. `deliver` returning a promise holds the next batch until it settles.
     */
    async follow(scope: string, after: number, deliver: (event: LiveEventRecord) => Promise<void> | void): Promise<Follower> {
      let last = after;
      let reading = false;
      let again = false;
      let stopped = false;
      const pump = async () => {
        if (reading) {
          again = true;
          return;
        }
        reading = true;
        try {
          do {
            again = false;
            for (;;) {
              const batch = await events.readAfter(scope, last);
              for (const event of batch) {
                if (stopped) return;
                last = event.seq;
                await deliver(event);
              }
              if (batch.length < 100) break;
            }
          } while (again && !stopped);
        } catch {
          // The database is down: the next notice (or heartbeat) reads again from `last`.
        } finally {
          reading = false;
        }
      };
      const unsubscribe = bus.subscribe(topicOf(scope), () => void pump());
      await bus.ready();
      // Whatever was appended before the subscription took effect.
      await pump();
      return {
        stop() {
          stopped = true;
          unsubscribe();
        },
        poll: pump,
      };
    },
  };
}
export type LiveLog = ReturnType<typeof liveLog>;
