import { Types } from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import type { Job } from '../../../contract/jobs.js';
import type { ImageRef } from '../../../contract/messages.js';
import type { Site } from '../../../contract/sites.js';
import { loadConfig } from '../../config.js';
import { SITE_DELETION } from '../../domain/siteDeletion.js';
import { createImageStorage } from '../../images/createImageStorage.js';
import { startFakeImageKit } from '../../test/fakeImageKit.js';
import { json } from '../../test/json.js';
import { filesOf, leftovers } from '../../test/leftovers.js';
import { PAGE_ORIGIN, uploadImage } from '../../test/reliability/seedTenant.js';
import { startTestApp, type TestApp } from '../../test/testApp.js';

const fake = await startFakeImageKit();
const local = await startTestApp(import.meta.url);
const imagekit = await startTestApp(new URL('./siteDeletion.imagekit.test.ts', import.meta.url).href, {
  storage: createImageStorage(
    loadConfig({
      DATA_DIR: local.dataDir,
      IMAGEKIT_PRIVATE_KEY: fake.privateKey,
      IMAGEKIT_URL_ENDPOINT: fake.urlEndpoint,
      IMAGEKIT_BASE_URL: fake.baseURL,
    }),
    { maxRetries: 0 },
  ),
});
afterAll(async () => {
  await local.close();
  await imagekit.close();
  await fake.stop();
});

/** A site with `visitors` visitors, each with a conversation of one turn with an image. */
async function seedSite(app: TestApp, name: string, visitors: number) {
  const site = await app.createSite({ name, allowedOrigins: [PAGE_ORIGIN] });
  const seeded = [];
  for (let i = 0; i < visitors; i++) {
    const visitor = await app.startVisitor(site.publicKey);
    const conversation = await visitor.newConversation();
    const image = (await json(await uploadImage(app, visitor.token, { conversationId: conversation.id }))) as ImageRef;
    await visitor.send(conversation.id, `${name} question ${i}`, `${name}-${i}`, [image.id]);
    seeded.push({ visitor, conversation, image });
  }
  return { site, seeded };
}

async function finished(app: TestApp, id: string): Promise<Job> {
  const until = performance.now() + 20_000;
  for (;;) {
    const job = (await json(await app.admin(`/v1/admin/jobs/${id}`))) as Job;
    if (job.status === 'done' || job.status === 'dead' || performance.now() > until) return job;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const imageStatus = async (app: TestApp, url: string) => (await fetch(new URL(url, app.url))).status;

async function countsFor(app: TestApp, site: Site) {
  const bySite = { siteId: site.id };
  return {
    conversations: await app.models.Conversation.countDocuments(bySite),
    messages: await app.models.Message.countDocuments(bySite),
    images: await app.models.Image.countDocuments(bySite),
    visitors: await app.models.Visitor.countDocuments(bySite),
    streams: await app.models.Stream.countDocuments(bySite),
  };
}

describe.each([
  ['local files', local],
  ['ImageKit', imagekit],
])('deleting a site (%s)', (_storage, app) => {
  it('answers 202 with a job, refuses the site at once, then deletes everything it owns in the background', async () => {
    const doomed = await seedSite(app, 'doomed', 2);
    const kept = await seedSite(app, 'kept', 1);
    const [first] = doomed.seeded;
    if (!first) throw new Error('not seeded');
    expect(await imageStatus(app, first.image.url)).toBe(200);
    const windows = doomed.seeded.map((s) => s.conversation.id);
    // A conversation lock its holder left behind (it died mid-write).
    await app.models.ConversationLock.collection.insertOne({
      _id: new Types.ObjectId(first.conversation.id),
      holder: 'dead-instance:1',
      until: new Date(Date.now() + 60_000),
    });

    const res = await app.admin(`/v1/admin/sites/${doomed.site.id}`, { method: 'DELETE' });
    expect(res.status).toBe(202);
    const job = (await json(res)) as Job;
    expect(job).toMatchObject({ type: SITE_DELETION, status: expect.stringMatching(/queued|running|done/) });

    // Gone for the admin and the widget at once.
    expect((await app.admin(`/v1/admin/sites/${doomed.site.id}`)).status).toBe(404);
    expect((await app.admin(`/v1/admin/sites/${doomed.site.id}`, { method: 'DELETE' })).status).toBe(404);
    const session = await app.request('/v1/widget/sessions', {
      method: 'POST',
      headers: { origin: PAGE_ORIGIN },
      json: { siteKey: doomed.site.publicKey },
    });
    expect(session.status).toBe(404);
    expect((await first.visitor.send(first.conversation.id, 'still there?', 'late')).res.status).toBe(404);

    const done = await finished(app, job.id);
    expect(done).toMatchObject({
      status: 'done',
      progress: { conversations: 2, images: 2, visitors: 2, messages: 4 },
      finishedAt: expect.any(String),
    });
    for (const { conversation, image } of doomed.seeded) {
      expect((await app.admin(`/v1/admin/conversations/${conversation.id}`)).status).toBe(404);
      expect(await imageStatus(app, image.url)).toBe(404);
      expect(await imageStatus(app, image.thumbnailUrl)).toBe(404);
    }
    expect((await json(await app.admin(`/v1/admin/conversations?siteId=${doomed.site.id}`))).items).toEqual([]);
    expect((await json(await app.admin(`/v1/admin/images?siteId=${doomed.site.id}`))).items).toEqual([]);
    expect(await countsFor(app, doomed.site)).toEqual({ conversations: 0, messages: 0, images: 0, visitors: 0, streams: 0 });
    expect(await app.models.ConversationWindow.countDocuments({ _id: { $in: windows } })).toBe(0);
    expect(await app.models.ConversationLock.countDocuments({ _id: { $in: windows.map((id) => new Types.ObjectId(id)) } })).toBe(
      0,
    );

    // The other site keeps everything.
    const [other] = kept.seeded;
    if (!other) throw new Error('not seeded');
    expect((await app.admin(`/v1/admin/conversations/${other.conversation.id}`)).status).toBe(200);
    expect(await imageStatus(app, other.image.url)).toBe(200);
    expect(await countsFor(app, kept.site)).toMatchObject({ conversations: 1, messages: 2, images: 1, visitors: 1 });
  });

  it('leaves nothing of the site in any collection or the image store', async () => {
    const doomed = await seedSite(app, 'obliterate', 2);
    const [first] = doomed.seeded;
    if (!first) throw new Error('not seeded');
    const { site } = doomed;
    // Everything else a site gathers: knowledge, a handoff (live logs, a reminder job), counters, a lock, a receipt.
    const source = await app.admin(`/v1/admin/sites/${site.id}/sources`, {
      method: 'POST',
      json: { type: 'text', title: 'Obliterate hours', text: 'Open from nine to five.' },
    });
    expect(source.status).toBe(202);
    const handoff = await first.visitor.request(`/v1/widget/conversations/${first.conversation.id}/handoff`, {
      method: 'POST',
      json: { email: 'obliterate@visitor.example' },
    });
    expect(handoff.status).toBe(200);
    await app.services.repos.usage.reserveBlock('local', site.id, '2020-01-01', 0, 10);
    await app.services.repos.dailyCounts.keep(
      'local',
      site.id,
      new Map([['2020-01-01', { conversations: 1, messages: 2, images: 0 }]]),
    );
    await app.services.repos.locks.tryAcquire(first.conversation.id, 'another-instance', new Date(Date.now() + 60_000));
    expect((await app.admin(`/v1/admin/sites/${site.id}/erasures`, { method: 'POST', json: { userId: 'nobody' } })).status).toBe(
      201,
    );
    const images = await app.models.Image.find({ siteId: site.id }).lean();
    const needles = [
      site.id,
      site.publicKey,
      'obliterate',
      ...doomed.seeded.flatMap((s) => [s.visitor.session.visitorId, s.conversation.id, s.image.id]),
      ...images.map((i) => i.key),
    ];
    expect(await leftovers(app.models, needles)).not.toEqual([]);

    const job = (await json(await app.admin(`/v1/admin/sites/${site.id}`, { method: 'DELETE' }))) as Job;
    expect(await finished(app, job.id)).toMatchObject({ status: 'done' });
    // Only the deletion's own job names the site: it is what the admin follows.
    const deletionJob = (collection: string, doc: Record<string, unknown>) => collection === 'jobs' && String(doc._id) === job.id;
    expect(await leftovers(app.models, needles, deletionJob)).toEqual([]);
    if (app === local)
      expect(
        await filesOf(
          `${app.dataDir}/images`,
          images.map((i) => i.key),
        ),
      ).toEqual([]);
    else expect([...fake.files.values()].filter((f) => images.some((i) => f.filePath.includes(i.key)))).toEqual([]);
  });

  it('is idempotent: running the deletion again (a resumed job) changes nothing and keeps its counts', async () => {
    const doomed = await seedSite(app, 'twice', 1);
    const job = (await json(await app.admin(`/v1/admin/sites/${doomed.site.id}`, { method: 'DELETE' }))) as Job;
    await finished(app, job.id);
    const record = await app.services.repos.jobs.findById(job.id);
    if (!record) throw new Error('no job');
    const stored: unknown[] = [];
    await app.services.jobHandlers[SITE_DELETION]?.({
      job: record,
      signal: new AbortController().signal,
      progress: async (p) => void stored.push(p),
    });
    expect(stored.at(-1)).toEqual({ conversations: 1, images: 1, visitors: 1, messages: 2 });
  });
});
