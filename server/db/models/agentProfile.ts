import { Schema } from 'mongoose';

/**
 * What an agent set about themselves in the dashboard, per tenant (one person may be an agent of several
 * organizations), under `<tenantId>|<agentId>`: read by `_id` on every reply and takeover.
 */
export interface AgentProfileDoc {
  _id: string;
  tenantId: string;
  agentId: string;
  displayName: string;
  updatedAt: Date;
}

export const agentProfileSchema = new Schema<AgentProfileDoc>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true },
    agentId: { type: String, required: true },
    displayName: { type: String, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
