import { randomBytes } from 'node:crypto';
import { DEFAULT_LEAD_CAPTURE, type LeadCapture, leadCaptureProblem } from '../../contract/leads.js';
import {
  DEFAULT_DAILY_MODEL_CALLS,
  type PublicSiteConfig,
  type Site,
  type SiteCreate,
  type SiteLook,
  type SiteUpdate,
  type SiteWithSecret,
} from '../../contract/sites.js';
import type { SiteChanges, SiteRecord, SiteRepository } from '../data/siteRepository.js';
import type { EventBus } from '../events/eventBus.js';
import { AppError, invalidFields, notFound } from '../lib/AppError.js';

export const DEFAULT_LOOK: Omit<SiteLook, 'title'> = {
  accentColor: '#2563eb',
  position: 'bottom-right',
  greeting: 'Hi! How can I help you today?',
  starterPrompts: [],
  zIndex: 2147483000,
};

const newPublicKey = () => `pk_${randomBytes(18).toString('base64url')}`;
const newIdentitySecret = () => randomBytes(32).toString('hex');

/** The site as every member of its organization sees it: the secret stays out. */
export const toSiteView = ({ tenantId: _tenant, identitySecret, ...site }: SiteRecord): Site => ({
  ...site,
  identityVerification: identitySecret !== null,
});

/** A create or update's answer to an admin: the view, plus the secret when that request made a new one. */
export const toSiteAnswer = (site: SiteRecord, made: boolean): SiteWithSecret =>
  made && site.identitySecret ? { ...toSiteView(site), identitySecret: site.identitySecret } : toSiteView(site);

export const toPublicSiteConfig = (site: SiteRecord): PublicSiteConfig => {
  const { enabled, ...form } = site.leadCapture;
  return {
    id: site.id,
    name: site.name,
    look: site.look,
    identityVerification: site.identitySecret !== null,
    leadCapture: enabled ? form : null,
  };
};

/** A lead capture setting after a create or update (merged with the stored one); 422 when it would ask for nothing. */
function checkedLeadCapture(capture: LeadCapture): LeadCapture {
  const problem = leadCaptureProblem(capture);
  if (problem)
    throw invalidFields(422, 'invalid_lead_capture', [{ in: 'body', path: 'leadCapture', code: 'invalid', message: problem }]);
  return capture;
}

/** The bus topic on which a site's change (settings, key, secret, deletion) reaches every instance's cache. */
export const SITE_CHANGES = 'site-changes';
/** The event of `SITE_CHANGES`: the cache entries to drop. */
export interface SiteChanged {
  siteId: string;
  publicKey: string;
}

export interface SiteServiceOptions {
  /** Carries changes to the other instances, which drop their cached copy at once. */
  bus: EventBus;
  /** How long a cached site is trusted without an event (bounds what a lost event costs). */
  cacheMs?: number;
}

/**
 * Sites of a tenant; reads on the widget's hot path go through a short in-process cache, which every change empties
 * on every instance through the bus.
 */
export function siteService(sites: SiteRepository, options: SiteServiceOptions) {
  const cacheMs = options.cacheMs ?? 30_000;
  const cache = new Map<string, { site: SiteRecord | null; until: number }>();
  const cached = async (key: string, load: () => Promise<SiteRecord | null>) => {
    const hit = cache.get(key);
    if (hit && hit.until > Date.now()) return hit.site;
    const site = await load();
    cache.set(key, { site, until: Date.now() + cacheMs });
    if (cache.size > 5000) cache.delete(cache.keys().next().value as string);
    return site;
  };
  const drop = ({ siteId, publicKey }: SiteChanged) => {
    cache.delete(`id:${siteId}`);
    cache.delete(`key:${publicKey}`);
  };
  options.bus.subscribe(SITE_CHANGES, (event) => drop(event as SiteChanged));
  /** Drops this instance's copy now and the others' through the bus. */
  const forget = async (site: SiteRecord) => {
    const changed: SiteChanged = { siteId: site.id, publicKey: site.publicKey };
    drop(changed);
    // Redis unreachable: the change is stored and the bus logs the outage; other caches expire within `cacheMs`.
    await options.bus.publish(SITE_CHANGES, changed).catch(() => {});
  };

  return {
    create: async (tenantId: string, input: SiteCreate): Promise<SiteRecord> =>
      sites.create({
        tenantId,
        name: input.name,
        publicKey: newPublicKey(),
        allowedOrigins: input.allowedOrigins ?? [],
        look: { title: input.look?.title ?? input.name, ...DEFAULT_LOOK, ...input.look },
        persona: input.persona ?? '',
        model: input.model ?? null,
        temperature: input.temperature ?? 0.4,
        faq: input.faq ?? [],
        dailyModelCalls: input.dailyModelCalls ?? DEFAULT_DAILY_MODEL_CALLS,
        identitySecret: input.identityVerification ? newIdentitySecret() : null,
        handoffEmails: input.handoffEmails ?? [],
        retentionDays: input.retentionDays ?? null,
        leadCapture: checkedLeadCapture({ ...DEFAULT_LEAD_CAPTURE, ...input.leadCapture }),
      }),
    list: (tenantId: string) => sites.listForTenant(tenantId),
    async get(tenantId: string, id: string): Promise<SiteRecord> {
      const site = await sites.findForTenant(tenantId, id);
      if (!site) throw notFound('Site');
      return site;
    },
    /** Applies only the fields `input` names; says whether it made a new identity secret. */
    async update(tenantId: string, id: string, input: SiteUpdate): Promise<{ site: SiteRecord; secretMade: boolean }> {
      const current = await this.get(tenantId, id);
      const { look, identityVerification, rotateIdentitySecret, leadCapture, ...rest } = input;
      const changes: SiteChanges = { ...rest } as SiteChanges;
      if (look) changes.look = { ...current.look, ...look };
      if (leadCapture) changes.leadCapture = checkedLeadCapture({ ...current.leadCapture, ...leadCapture });
      if (rotateIdentitySecret || (identityVerification && !current.identitySecret)) changes.identitySecret = newIdentitySecret();
      else if (identityVerification === false) changes.identitySecret = null;
      const updated = await sites.update(tenantId, id, changes);
      if (!updated) throw notFound('Site');
      await forget(current);
      return { site: updated, secretMade: changes.identitySecret !== undefined };
    },
    /** The current identity secret, for an admin's explicit reveal; 409 when verification is off. */
    async identitySecret(tenantId: string, id: string): Promise<string> {
      const site = await this.get(tenantId, id);
      if (!site.identitySecret)
        throw new AppError(409, 'identity_not_enabled', 'Identity verification is off for this site, so it has no secret');
      return site.identitySecret;
    },
    async delete(tenantId: string, id: string): Promise<SiteRecord> {
      const site = await this.get(tenantId, id);
      await sites.delete(tenantId, id);
      await forget(site);
      return site;
    },
    byId: (id: string) => cached(`id:${id}`, () => sites.findById(id)),
    /** Uncached, for checks a change made on another instance must reach at once (identity revocation). */
    current: (id: string) => sites.findById(id),
    byPublicKey: (key: string) => cached(`key:${key}`, () => sites.findByPublicKey(key)),

    /** Local mode's first start: a demo site whose FAQ lets the demo page chat usefully offline. */
    async ensureDemoSite(tenantId: string): Promise<SiteRecord> {
      const existing = await sites.listForTenant(tenantId);
      const demo = existing.find((site) => site.name === DEMO_SITE.name) ?? existing[0];
      if (demo) return demo;
      return this.create(tenantId, DEMO_SITE);
    },
  };
}
export type SiteService = ReturnType<typeof siteService>;

export const DEMO_SITE: SiteCreate = {
  name: 'Demo site',
  allowedOrigins: [],
  look: {
    title: 'Chat with us',
    greeting: 'Hi! I am the demo assistant. Ask me how to install this widget, or anything about it.',
    starterPrompts: ['How do I add the widget to my site?', 'Can visitors send images?', 'Where are conversations stored?'],
  },
  persona: 'You are the friendly assistant of the chatwidget project. Answer briefly and concretely.',
  faq: [
    {
      question: 'How do I add the widget to my site?',
      answer:
        'Paste one script tag before `</body>`: `<script src="https://YOUR-SERVER/widget.js" data-site-key="YOUR_KEY" async></script>`. The dashboard\'s **Sites** page shows the snippet with your key and a copy button.',
    },
    {
      question: 'Can visitors send images?',
      answer:
        'Yes. Visitors can paste, drop or pick JPEG, PNG, WebP or GIF images up to 10 MB. The server checks the real type, strips metadata (GPS included) and re-encodes every image before it is stored.',
    },
    {
      question: 'Where are conversations stored?',
      answer:
        'In MongoDB when `MONGODB_URI` is set, otherwise in the embedded database under the data folder. Admins browse every conversation and image in the dashboard.',
    },
    {
      question: 'Which AI model answers?',
      answer:
        "Google Gemini when `GEMINI_API_KEY` is set. Without a key, this offline assistant answers from the site's FAQ entries, which you edit in the dashboard.",
    },
    {
      question: 'Will the widget break my page styles?',
      answer:
        'No. It lives in a Shadow DOM, adds one global (`ChatWidget`), loads under 5 KB first and the chat panel only when opened.',
    },
    {
      question: 'How do admins sign in?',
      answer:
        'With Clerk organizations when Clerk keys are configured. In local mode the server prints a dashboard link with an admin token when it starts.',
    },
  ],
};
