import { Schema, type Types } from 'mongoose';

/** A lead as stored on its visitor, and copied on the visitor's conversations (for the list's filter and the export). */
export interface LeadDoc {
  name: string | null;
  email: string | null;
  capturedAt: Date;
  /** Absent on leads stored before it: `capturedAt`. */
  updatedAt?: Date;
}

export const leadSchema = new Schema<LeadDoc>({ name: String, email: String, capturedAt: Date, updatedAt: Date }, { _id: false });

export interface VisitorDoc {
  _id: Types.ObjectId;
  tenantId: string;
  siteId: Types.ObjectId;
  /** The site's own user id, once verified through `identify`. */
  userId: string | null;
  name: string | null;
  email: string | null;
  /** What the visitor left through the site's lead capture form. */
  lead?: LeadDoc | null;
  createdAt: Date;
}

export const visitorSchema = new Schema<VisitorDoc>(
  {
    tenantId: { type: String, required: true },
    siteId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: String, default: null },
    name: { type: String, default: null },
    email: { type: String, default: null },
    lead: { type: leadSchema, default: null },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
// Identified users resume their visitor on every device.
visitorSchema.index({ siteId: 1, userId: 1 });
// A deleted site's visitors; a site's visitors oldest first (retention).
visitorSchema.index({ tenantId: 1, siteId: 1, createdAt: 1, _id: 1 });
