import { afterAll, describe, expect, it } from 'vitest';
import type { RemovalRecord } from '../../contract/dataRemoval.js';
import type { Site } from '../../contract/sites.js';
import { eventually } from '../test/eventually.js';
import { json } from '../test/json.js';
import { filesOf, leftovers } from '../test/leftovers.js';
import { PAGE_ORIGIN, seedVisitor } from '../test/reliability/seedTenant.js';
import { startTestApp } from '../test/testApp.js';
import { RETENTION, RETENTION_EVERY_MS } from './retention.js';

const DAY = 86_400_000;
let shift = 0;
const app = await startTestApp(import.meta.url, { services: { now: () => new Date(Date.now() + shift) } });
afterAll(() => app.close());

const runRetention = async () => {
  const job = await app.services.repos.jobs.findById(String((await app.models.Job.findOne({ key: RETENTION }).lean())?._id));
  if (!job) throw new Error('the retention job is not queued');
  await app.services.jobHandlers[RETENTION]?.({ job, signal: new AbortController().signal, progress: async () => {} });
};
const runs = async (site: Site) =>
  ((await json(await app.admin(`/v1/admin/sites/${site.id}/removals`))) as { items: RemovalRecord[] }).items;

describe('retention', () => {
  it('is off by default, set by admins per site, and validated', async () => {
    const site = await app.createSite({ name: 'Default' });
    expect(site.retentionDays).toBeNull();
    const set = await app.admin(`/v1/admin/sites/${site.id}`, { method: 'PATCH', json: { retentionDays: 30 } });
    expect(((await json(set)) as Site).retentionDays).toBe(30);
    for (const retentionDays of [0, -1, 1.5, 3651, '30'])
      expect((await app.admin(`/v1/admin/sites/${site.id}`, { method: 'PATCH', json: { retentionDays } })).status).toBe(400);
    const off = await app.admin(`/v1/admin/sites/${site.id}`, { method: 'PATCH', json: { retentionDays: null } });
    expect(((await json(off)) as Site).retentionDays).toBeNull();
  });

  it('runs daily on the job queue, deletes what is older than the period and records each run', async () => {
    const job = await app.models.Job.findOne({ key: RETENTION }).lean();
    expect(job).toMatchObject({ type: RETENTION, everyMs: RETENTION_EVERY_MS });

    const site = await app.createSite({ name: 'Forgetful', allowedOrigins: [PAGE_ORIGIN], retentionDays: 30 });
    const keeper = await app.createSite({ name: 'Keeper', allowedOrigins: [PAGE_ORIGIN] });
    const old = await seedVisitor(app, site, 'fossil');
    const idle = await app.startVisitor(site.publicKey); // never wrote: an empty visitor
    const kept = await seedVisitor(app, keeper, 'heirloom');
    const oldImages = await app.models.Image.find({ visitorId: old.visitorId }).lean();

    // 40 days on: the job (due a day after its last run, on the services' clock) is run by the job worker.
    shift = 40 * DAY;
    const recent = await seedVisitor(app, site, 'sprout');
    // The run 40 days on (one at the start, before the site had data, may be listed too).
    const run = await eventually(
      async () => (await runs(site)).find((r) => new Date(r.before as string).getTime() > Date.now() + 9 * DAY),
      15_000,
      'the retention run',
    );
    const needles = [old.visitorId, old.conversation.id, idle.session.visitorId, 'fossil', ...oldImages.map((i) => i.key)];
    expect(await leftovers(app.models, needles, (collection) => collection === 'removals')).toEqual([]);
    expect(
      await filesOf(
        `${app.dataDir}/images`,
        oldImages.map((i) => i.key),
      ),
    ).toEqual([]);
    // The recent conversation (of a visitor created before the cutoff) and the other site stay.
    expect((await app.admin(`/v1/admin/conversations/${recent.conversation.id}`)).status).toBe(200);
    expect((await app.admin(`/v1/admin/conversations/${kept.conversation.id}`)).status).toBe(200);

    expect(run).toMatchObject({
      kind: 'retention',
      subject: null,
      counts: { conversations: 1, messages: 4, images: 1, visitors: 2, leads: 0 },
    });
    expect(await runs(keeper)).toEqual([]);

    // Idempotent: the next run finds nothing more.
    await runRetention();
    expect((await runs(site))[0]?.id).not.toBe(run.id);
    expect((await runs(site))[0]?.counts).toEqual({ conversations: 0, messages: 0, images: 0, visitors: 0, leads: 0 });
    expect((await app.admin(`/v1/admin/conversations/${recent.conversation.id}`)).status).toBe(200);
  });
});
