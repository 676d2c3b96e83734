import {
  type FaqEntry,
  type LeadCapture,
  leadCaptureProblem,
  type Site,
  type SiteLook,
  SiteUpdate,
} from '../../../../contract/index.js';

/** The editor's working copy of a site: list fields as text lines where that is easier to edit. */
export interface SiteDraft {
  name: string;
  /** One origin per line. */
  allowedOrigins: string;
  look: SiteLook;
  /** One starter prompt per line. */
  starterPrompts: string;
  persona: string;
  model: string;
  temperature: number;
  faq: FaqEntry[];
  dailyModelCalls: number;
  identityVerification: boolean;
  /** Days as typed; empty: kept until deleted. */
  retentionDays: string;
  leadCapture: LeadCapture;
}

const lines = (text: string): string[] =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

export function draftFromSite(site: Site): SiteDraft {
  return {
    name: site.name,
    allowedOrigins: site.allowedOrigins.join('\n'),
    look: site.look,
    starterPrompts: site.look.starterPrompts.join('\n'),
    persona: site.persona,
    model: site.model ?? '',
    temperature: site.temperature,
    faq: site.faq,
    dailyModelCalls: site.dailyModelCalls,
    identityVerification: site.identityVerification,
    retentionDays: site.retentionDays === null ? '' : String(site.retentionDays),
    leadCapture: site.leadCapture,
  };
}

/** The PATCH body for a draft. */
export function draftToUpdate(draft: SiteDraft): SiteUpdate {
  return {
    name: draft.name.trim(),
    allowedOrigins: lines(draft.allowedOrigins),
    look: { ...draft.look, title: draft.look.title.trim(), starterPrompts: lines(draft.starterPrompts) },
    persona: draft.persona,
    model: draft.model.trim() || null,
    temperature: draft.temperature,
    faq: draft.faq.map((entry) => ({ question: entry.question.trim(), answer: entry.answer.trim() })),
    dailyModelCalls: draft.dailyModelCalls,
    identityVerification: draft.identityVerification,
    retentionDays: draft.retentionDays.trim() ? Number(draft.retentionDays) : null,
    leadCapture: draft.leadCapture,
  };
}

/** The look the preview shows: the draft's, as the widget will receive it. */
export const draftLook = (draft: SiteDraft): SiteLook => ({ ...draft.look, starterPrompts: lines(draft.starterPrompts) });

export const isDraftDirty = (draft: SiteDraft, site: Site): boolean =>
  JSON.stringify(draftToUpdate(draft)) !== JSON.stringify(draftToUpdate(draftFromSite(site)));

/** Checks a draft against the contract before it is sent; returns readable problems, empty when valid. */
export function validateDraft(draft: SiteDraft): string[] {
  const result = SiteUpdate.safeParse(draftToUpdate(draft));
  const leadProblem = leadCaptureProblem(draft.leadCapture);
  if (result.success) return leadProblem ? [`leadCapture: ${leadProblem}`] : [];
  return result.error.issues.map((issue) => {
    const where = issue.path.length ? `${issue.path.join(' › ')}: ` : '';
    return `${where}${issue.message}`;
  });
}
