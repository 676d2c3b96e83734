import type { Models } from '../db/models/index.js';
import type { AgentPresenceDoc, LiveEventDoc, LiveHeadDoc } from '../db/models/liveEvent.js';
import { isDuplicateKey, upsertOnce } from './writeErrors.js';

export interface LiveEventRecord {
  seq: number;
  type: string;
  data: Record<string, unknown>;
  at: Date;
}

const eventId = (scope: string, seq: number) => `${scope}:${seq}`;
/** Events read per batch of `_id` lookups when a stream catches up. */
const BATCH = 8;

/** The ordered live logs and agent presence (models in `db/models/liveEvent.ts`). */
export function liveEventRepository({ LiveEvent, LiveHead, AgentPresence }: Models) {
  const exists = async (scope: string, seq: number) =>
    (await LiveEvent.findById(eventId(scope, seq)).select({ _id: 1 }).lean()) !== null;

  /** The last sequence number of a log (0 when empty): from the hint, then probing forward by `_id`. */
  async function head(scope: string): Promise<number> {
    const hint = await LiveHead.findById(scope).lean<LiveHeadDoc>();
    let seq = hint?.seq ?? 0;
    while (await exists(scope, seq + 1)) seq++;
    return seq;
  }

  return {
    head,
    /** Whether an event is still stored (a resume point older than the sweep is not). */
    exists,
    /**
     * Deletes the events stored before `before`, of every log. Logs are appended in time order, so this takes a prefix
     * of each log: no gap opens between kept events, and the head hints stay, so sequence numbers are never reused.
     */
    async sweep(before: Date): Promise<number> {
      return (await LiveEvent.deleteMany({ at: { $lt: before } })).deletedCount ?? 0;
    },
    /** Appends an event at the next free sequence number and returns it. */
    async append(scope: string, type: string, data: Record<string, unknown>, at: Date): Promise<number> {
      let seq = (await head(scope)) + 1;
      for (;;) {
        try {
          await LiveEvent.create({ _id: eventId(scope, seq), scope, seq, type, data, at });
          break;
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
          seq++;
        }
      }
      // Only a hint: a lost or late write costs a few more probes, never an event.
      await LiveHead.updateOne({ _id: scope }, { $max: { seq } }, { upsert: true }).catch((error: unknown) => {
        if (!isDuplicateKey(error)) throw error;
      });
      return seq;
    },
    /** The events after `after`, in order, up to `max`. */
    async readAfter(scope: string, after: number, max = 100): Promise<LiveEventRecord[]> {
      const events: LiveEventRecord[] = [];
      while (events.length < max) {
        const next = after + events.length;
        const docs = await Promise.all(
          Array.from({ length: BATCH }, (_, i) => LiveEvent.findById(eventId(scope, next + i + 1)).lean<LiveEventDoc>()),
        );
        for (const doc of docs) {
          if (!doc) return events;
          events.push({ seq: doc.seq, type: doc.type, data: doc.data ?? {}, at: doc.at });
        }
      }
      return events.slice(0, max);
    },
    async deleteScope(scope: string): Promise<void> {
      await LiveEvent.deleteMany({ scope });
      await LiveHead.deleteOne({ _id: scope });
    },

    /**
     * Empties a tenant log's events about these conversations (erased or deleted): deleting them would leave gaps that
     * stop the readers, so they stay as `erased` events without data, which streams skip.
     */
    async scrubConversations(scope: string, conversationIds: string[]): Promise<void> {
      if (!conversationIds.length) return;
      await LiveEvent.updateMany(
        { scope, 'data.conversationId': { $in: conversationIds } },
        { $set: { type: 'erased', data: {} } },
      );
    },

    /** An agent's stream is present until `until`. */
    async present(id: string, tenantId: string, until: Date): Promise<void> {
      await upsertOnce(() => AgentPresence.updateOne({ _id: id }, { $set: { tenantId, until } }, { upsert: true }));
    },
    async absent(id: string): Promise<void> {
      await AgentPresence.deleteOne({ _id: id });
    },
    async anyPresent(tenantId: string, now: Date): Promise<boolean> {
      return (
        (await AgentPresence.findOne({ tenantId, until: { $gt: now } })
          .select({ _id: 1 })
          .lean<AgentPresenceDoc>()) !== null
      );
    },
  };
}
export type LiveEventRepository = ReturnType<typeof liveEventRepository>;
