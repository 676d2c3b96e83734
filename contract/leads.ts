import { z } from 'zod';
import { Id, Timestamp, trimmedText, withGrammar } from './common.js';

/** Whether the lead form asks for a field: not at all, with a "Skip" allowed, or before it can be sent. */
export const LeadField = z.enum(['required', 'optional', 'off']);
export type LeadField = z.infer<typeof LeadField>;

/**
 * When the widget asks: as the panel opens (`before`, the composer waits for it when a field is required), after the
 * visitor's `afterMessages`-th message (`after`), under an answer that cites nothing of the site's knowledge
 * (`ungrounded`), or when the visitor waits for a person and no one is online (`no_agent`).
 */
export const LeadMoment = z.enum(['before', 'after', 'ungrounded', 'no_agent']);
export type LeadMoment = z.infer<typeof LeadMoment>;

/** A site's lead capture setting (off by default). */
export const LeadCapture = z.strictObject({
  enabled: z.boolean(),
  when: LeadMoment,
  /** For `after`: the visitor's message count in a conversation that brings the form. */
  afterMessages: z.number().int().min(1).max(50),
  name: LeadField,
  email: LeadField,
});
export type LeadCapture = z.infer<typeof LeadCapture>;

export const DEFAULT_LEAD_CAPTURE: LeadCapture = {
  enabled: false,
  when: 'before',
  afterMessages: 3,
  name: 'optional',
  email: 'required',
};

/** The form the widget shows (`null` in the site config when lead capture is off). */
export const LeadForm = LeadCapture.omit({ enabled: true });
export type LeadForm = z.infer<typeof LeadForm>;

/** A setting asks for something: a form with neither field is refused (the message names the fix). */
export const leadCaptureProblem = (capture: LeadCapture): string | null =>
  capture.enabled && capture.name === 'off' && capture.email === 'off'
    ? 'Lead capture needs the name or the email field (or both)'
    : null;

export const LeadName = trimmedText(100, { nonBlank: true });
export const LeadEmail = withGrammar(z.email().max(320));

/**
 * `POST /v1/widget/leads`: what the visitor typed; a field left out keeps what was stored. `conversationId` (the
 * visitor's own) names the conversation the form was shown in, for the webhook.
 */
export const LeadRequest = z.strictObject({
  name: LeadName.optional(),
  email: LeadEmail.optional(),
  conversationId: Id.optional(),
});
export type LeadRequest = z.input<typeof LeadRequest>;

/** A visitor's lead: the fields they left, when first and when last changed. */
export const Lead = z.object({
  name: z.string().nullable(),
  email: z.string().nullable(),
  capturedAt: Timestamp,
  updatedAt: Timestamp,
});
export type Lead = z.infer<typeof Lead>;
