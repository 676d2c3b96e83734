import { Schema } from 'mongoose';

/**
 * One event of an ordered live log (a conversation's, for its visitor; a tenant's, for its inbox), under
 * `<scope>:<seq>`. Sequence numbers are taken by inserting the next `_id` (the unique `_id` decides between writers,
 * atomically on both databases), so a log has no gaps and a stream resumes by reading `<scope>:<n+1>`, `<n+2>`, … by
 * `_id`: the only indexed read on the embedded database. The event names what to read (a message id, a conversation);
 * the database stays the truth.
 */
export interface LiveEventDoc {
  _id: string;
  scope: string;
  seq: number;
  type: string;
  data: Record<string, unknown>;
  at: Date;
}

export const liveEventSchema = new Schema<LiveEventDoc>(
  {
    _id: { type: String, required: true },
    scope: { type: String, required: true },
    seq: { type: Number, required: true },
    type: { type: String, required: true },
    data: { type: Schema.Types.Mixed, default: {} },
    at: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);
// A deleted conversation's log; the sweep of old events.
liveEventSchema.index({ scope: 1 });
// A tenant log's events about an erased conversation.
liveEventSchema.index({ scope: 1, 'data.conversationId': 1 });
liveEventSchema.index({ at: 1 });

/** Where a log's last event probably is (a hint: readers probe forward from it), under the scope. */
export interface LiveHeadDoc {
  _id: string;
  seq: number;
}

export const liveHeadSchema = new Schema<LiveHeadDoc>(
  { _id: { type: String, required: true }, seq: { type: Number, required: true } },
  { versionKey: false },
);

/**
 * An agent's open inbox stream, on any instance: present while `until` is ahead (renewed by the stream), removed when
 * the stream closes. "Someone online" is read from here, so every instance agrees.
 */
export interface AgentPresenceDoc {
  _id: string;
  tenantId: string;
  until: Date;
}

export const agentPresenceSchema = new Schema<AgentPresenceDoc>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true },
    until: { type: Date, required: true },
  },
  { versionKey: false },
);
agentPresenceSchema.index({ tenantId: 1, until: 1 });
