import { Schema, type Types } from 'mongoose';

export interface SiteDoc {
  _id: Types.ObjectId;
  tenantId: string;
  name: string;
  publicKey: string;
  allowedOrigins: string[];
  look: { title: string; accentColor: string; position: string; greeting: string; starterPrompts: string[]; zIndex: number };
  persona: string;
  model: string | null;
  temperature: number;
  faq: { question: string; answer: string }[];
  dailyModelCalls?: number;
  identitySecret: string | null;
  handoffEmails?: string[];
  retentionDays?: number | null;
  /** Absent on sites from before lead capture: off (`DEFAULT_LEAD_CAPTURE`). */
  leadCapture?: { enabled: boolean; when: string; afterMessages: number; name: string; email: string } | null;
  createdAt: Date;
  updatedAt: Date;
}

export const siteSchema = new Schema<SiteDoc>(
  {
    tenantId: { type: String, required: true },
    name: { type: String, required: true },
    publicKey: { type: String, required: true, unique: true },
    allowedOrigins: { type: [String], default: [] },
    look: {
      title: String,
      accentColor: String,
      position: String,
      greeting: String,
      starterPrompts: [String],
      zIndex: Number,
    },
    persona: { type: String, default: '' },
    model: { type: String, default: null },
    temperature: { type: Number, default: 0.4 },
    faq: { type: [{ _id: false, question: String, answer: String }], default: [] },
    dailyModelCalls: { type: Number },
    identitySecret: { type: String, default: null },
    handoffEmails: { type: [String], default: [] },
    retentionDays: { type: Number, default: null },
    leadCapture: {
      type: new Schema({ enabled: Boolean, when: String, afterMessages: Number, name: String, email: String }, { _id: false }),
      default: null,
    },
  },
  { timestamps: true, versionKey: false },
);
// Admin list: a tenant's sites, newest first.
siteSchema.index({ tenantId: 1, createdAt: -1 });
// The daily retention run: the sites that keep conversations for a number of days.
siteSchema.index({ retentionDays: 1 });
