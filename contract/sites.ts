import { z } from 'zod';
import { Id, Timestamp, trimmedText, withGrammar } from './common.js';
import { RetentionDays } from './dataRemoval.js';
import { LeadCapture, LeadForm } from './leads.js';

const Origin = z
  .string()
  .max(200)
  .regex(
    /^https?:\/\/[^/\s?#]+$/,
    'must be an origin such as https://example.com (no path); a leading *. is allowed for subdomains',
  )
  .or(z.string().regex(/^https?:\/\/\*\.[^/\s?#*]+$/));

export const HexColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #2563eb');

export const SiteLook = z.strictObject({
  title: trimmedText(60, { nonBlank: true }),
  accentColor: HexColor,
  position: z.enum(['bottom-right', 'bottom-left']),
  greeting: z.string().max(500),
  starterPrompts: z.array(trimmedText(120, { nonBlank: true })).max(4),
  zIndex: z.number().int().min(0).max(2147483647),
});
export type SiteLook = z.infer<typeof SiteLook>;

export const FaqEntry = z.strictObject({
  question: trimmedText(500, { nonBlank: true }),
  answer: trimmedText(4000, { nonBlank: true }),
});
export type FaqEntry = z.infer<typeof FaqEntry>;

/** Model calls a site may make per UTC day before the assistant rests (offline FAQ answers only). */
export const DEFAULT_DAILY_MODEL_CALLS = 1000;
export const DailyModelCalls = z.number().int().min(0).max(1_000_000);

/** A site as admins (and members) see it: whether identities are verified, never the secret itself. */
export const Site = z.object({
  id: Id,
  name: z.string(),
  publicKey: z.string(),
  allowedOrigins: z.array(z.string()),
  look: SiteLook,
  persona: z.string(),
  model: z.string().nullable(),
  temperature: z.number(),
  faq: z.array(FaqEntry),
  /** The day's budget of model calls; over it, answers come from the FAQ only. */
  dailyModelCalls: z.number().int(),
  /** Whether `identify({ userHash })` is verified (with a secret only org:admin sees). */
  identityVerification: z.boolean(),
  /** Who is emailed when a visitor waits for a person without a reply (set by org:admin). */
  handoffEmails: z.array(z.string()),
  /** Days conversations are kept after their last message (`null`: until deleted); set by org:admin. */
  retentionDays: z.number().int().nullable(),
  /** Whether and when the widget asks visitors for their name and email (README "Lead capture"). */
  leadCapture: LeadCapture,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Site = z.infer<typeof Site>;

/**
 * What an admin's create or update answers: the site, plus the HMAC-SHA256 key for
 * `identify({ userHash })` when that very request made a new one (the only time it is sent, besides
 * an explicit reveal).
 */
export const SiteWithSecret = Site.extend({ identitySecret: z.string().optional() });
export type SiteWithSecret = z.infer<typeof SiteWithSecret>;

/** `POST /v1/admin/sites/:id/identity-secret` (org:admin): the current secret. */
export const IdentitySecret = z.object({ identitySecret: z.string() });
export type IdentitySecret = z.infer<typeof IdentitySecret>;

/** What an admin sets on a site. No field has a default, so a partial update changes only what it names. */
const SiteSettings = z.strictObject({
  name: trimmedText(100, { nonBlank: true }),
  allowedOrigins: z.array(Origin).max(50),
  look: SiteLook.partial(),
  persona: z.string().max(8000),
  model: z
    .string()
    .max(100)
    .regex(/^[a-zA-Z0-9._-]+$/)
    .nullable(),
  temperature: z.number().min(0).max(2),
  faq: z.array(FaqEntry).max(500),
  dailyModelCalls: DailyModelCalls,
  identityVerification: z.boolean(),
  handoffEmails: z.array(withGrammar(z.email().max(320))).max(10),
  retentionDays: RetentionDays,
  /** Merged into the current setting: a partial update changes only the fields it names. */
  leadCapture: LeadCapture.partial(),
});

/** Only the name is required; the server fills in the rest (no origins, the default look, …). */
export const SiteCreate = SiteSettings.partial().required({ name: true });
export type SiteCreate = z.input<typeof SiteCreate>;

export const SiteUpdate = SiteSettings.partial().extend({
  /** `true` generates a new identity secret (turning verification on). */
  rotateIdentitySecret: z.boolean().optional(),
});
export type SiteUpdate = z.input<typeof SiteUpdate>;

/** A site's model calls on one UTC day, against its budget. */
export const SiteUsage = z.object({
  siteId: Id,
  day: z.iso.date(),
  modelCalls: z.number().int(),
  dailyModelCalls: z.number().int(),
});
export type SiteUsage = z.infer<typeof SiteUsage>;

/** What the widget receives about its site: nothing private. */
export const PublicSiteConfig = z.object({
  id: Id,
  name: z.string(),
  look: SiteLook,
  identityVerification: z.boolean(),
  /** The lead form and when to show it; `null` when the site does not ask. */
  leadCapture: LeadForm.nullable(),
});
export type PublicSiteConfig = z.infer<typeof PublicSiteConfig>;
