import { Types } from 'mongoose';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOfflineModel } from '../ai/offlineModel.js';
import { userHashFor } from '../domain/sessionService.js';
import { type QueryShape, shapesOf, unservedShapes } from '../test/queryShapes.js';
import { parseSse, startTestApp, type TestApp } from '../test/testApp.js';

/**
 * On MongoDB every query the repositories issue must be index-backed. This drives every route of the real app
 * (and the domain's background jobs) against the test database, records each operation the repositories send
 * (find / count / update / delete filters with their sort, aggregate `$match`), and checks each shape against the
 * indexes the models declare (`schema.indexes()` plus `_id`).
 */

let app: TestApp;
const operations: { collection: string; method: string; params: unknown[] }[] = [];

beforeAll(async () => {
  // A slow offline model, so a client disconnect can stop an answer mid-stream (and that answer be retried).
  app = await startTestApp(import.meta.url, { model: createOfflineModel({ chunkDelayMs: 30 }) });
  app.connection.on('operation-start', (op: { collectionName: string; method: string; params: unknown[] }) => {
    operations.push({ collection: op.collectionName, method: op.method, params: op.params });
  });
  await driveEveryRoute(app);
}, 60_000);

afterAll(async () => {
  await app?.close();
});

/** Runs the job queued under `key` (a recurring or one-time job) in this process, now. */
async function runKeyedJob(app: TestApp, key: string) {
  const job = await app.services.repos.jobs.findById(String((await app.models.Job.findOne({ key }).lean())?._id));
  if (!job) throw new Error(`no job ${key}`);
  await app.services.jobHandlers[key]?.({ job, signal: new AbortController().signal, progress: async () => {} });
}

async function driveEveryRoute(app: TestApp) {
  const ok = async (res: Response | Promise<Response>, status = 200) => {
    const response = await res;
    if (response.status !== status) throw new Error(`${response.url}: ${response.status} ${await response.text()}`);
    return response.status === 204
      ? null
      : response.headers.get('content-type')?.includes('json')
        ? response.json()
        : response.text();
  };
  const site = await app.createSite({ name: 'Coverage', allowedOrigins: ['http://localhost:5173'], identityVerification: true });
  const other = await app.createSite({ name: 'Other' });
  await ok(app.admin('/v1/admin/sites'));
  await ok(app.admin(`/v1/admin/sites/${site.id}`));
  await ok(app.admin(`/v1/admin/sites/${site.id}`, { method: 'PATCH', json: { persona: 'Brief.', identityVerification: true } }));
  const revealed = (await ok(app.admin(`/v1/admin/sites/${site.id}/identity-secret`, { method: 'POST' }))) as {
    identitySecret: string;
  };

  // Anonymous visitor, then an identified one (found again by user id on a second session).
  const visitor = await app.startVisitor(site.publicKey);
  await app.startVisitor(site.publicKey, { visitorToken: visitor.token });
  const user = { id: 'user-1', name: 'Ada', userHash: userHashFor(revealed.identitySecret, 'user-1') };
  const identified = await app.startVisitor(site.publicKey, { user });
  await app.startVisitor(site.publicKey, { user: { ...user, name: 'Ada L.' } });

  const conversation = await visitor.newConversation();
  await identified.newConversation();
  await ok(visitor.request('/v1/widget/conversations?limit=1'));
  // A lead: stored on the visitor and copied onto their conversations.
  await ok(app.admin(`/v1/admin/sites/${site.id}`, { method: 'PATCH', json: { leadCapture: { enabled: true } } }));
  await ok(
    visitor.request('/v1/widget/leads', { method: 'POST', json: { email: 'lead@example.com', conversationId: conversation.id } }),
  );

  // An image upload, attached to a send.
  const png = await sharp({ create: { width: 32, height: 24, channels: 3, background: { r: 9, g: 99, b: 199 } } })
    .png()
    .toBuffer();
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'a.png');
  form.append('conversationId', conversation.id);
  const image = (await ok(visitor.request('/v1/widget/images', { method: 'POST', body: form }), 201)) as { id: string };

  const first = await visitor.send(conversation.id, 'How do I install it?', 'c-1', [image.id]);
  const answer = first.events.find((e) => e.event === 'done')?.data as { id: string };
  await visitor.send(conversation.id, 'How do I install it?', 'c-1', [image.id]); // replay
  await visitor.send(conversation.id, 'And then?', 'c-2');
  await ok(visitor.request(`/v1/widget/conversations/${conversation.id}/messages?limit=1`));
  const page = (await ok(visitor.request(`/v1/widget/conversations/${conversation.id}/messages?limit=1`))) as {
    nextCursor: string;
  };
  await ok(visitor.request(`/v1/widget/conversations/${conversation.id}/messages?limit=1&cursor=${page.nextCursor}`));
  await ok(visitor.request(`/v1/widget/messages/${answer.id}/feedback`, { method: 'POST', json: { rating: 'up' } }));

  // An answer stopped by the client going away, then retried.
  const controller = new AbortController();
  const stopped = await visitor.request(`/v1/widget/conversations/${conversation.id}/messages`, {
    method: 'POST',
    json: { text: 'Tell me everything about images, in detail please.', clientMessageId: 'c-3', imageIds: [] },
    signal: controller.signal,
  });
  const reader = stopped.body?.getReader();
  await reader?.read();
  controller.abort();
  await new Promise((resolve) => setTimeout(resolve, 300));
  const list = (await ok(visitor.request(`/v1/widget/conversations/${conversation.id}/messages?limit=50`))) as {
    items: { id: string; role: string; status: string }[];
  };
  const failed = list.items.find((m) => m.role === 'assistant' && m.status !== 'complete');
  if (!failed) throw new Error('no stopped answer to retry');
  const retried = parseSse((await ok(visitor.request(`/v1/widget/messages/${failed.id}/retry`, { method: 'POST' }))) as string);
  if (!retried.some((e) => e.event === 'done')) throw new Error('retry did not complete');

  // Every admin read with every filter, and the cursor.
  const filters = [
    '',
    `siteId=${site.id}`,
    'q=install',
    'from=2020-01-01&to=2099-12-31',
    `siteId=${site.id}&from=2020-01-01`,
    'hasImages=true',
    'hasImages=false',
    'rating=up',
    'rating=down',
    'hasLead=true',
    'hasLead=false',
    `siteId=${site.id}&hasLead=true`,
    `siteId=${site.id}&q=install&hasImages=true&rating=up&from=2020-01-01&to=2099-12-31`,
  ];
  for (const filter of filters) await ok(app.admin(`/v1/admin/conversations?limit=1&${filter}`));
  const conversations = (await ok(app.admin('/v1/admin/conversations?limit=1'))) as { nextCursor: string };
  await ok(app.admin(`/v1/admin/conversations?limit=1&cursor=${conversations.nextCursor}`));
  await ok(app.admin(`/v1/admin/conversations/${conversation.id}`));
  for (const filter of ['', `siteId=${site.id}`, 'from=2020-01-01&to=2099-12-31'])
    await ok(app.admin(`/v1/admin/images?limit=1&${filter}`));
  await ok(app.admin('/v1/admin/stats'));
  await ok(app.admin(`/v1/admin/stats?siteId=${site.id}&days=7`));

  // Knowledge: a snippet and a file synced on the job queue, listed, read, synced again and deleted.
  const snippet = (await ok(
    app.admin(`/v1/admin/sites/${site.id}/sources`, {
      method: 'POST',
      json: { type: 'text', title: 'Hours', text: 'Open at nine.' },
    }),
    202,
  )) as { id: string };
  const file = new FormData();
  file.append('file', new Blob(['# Returns\n\nWithin 30 days.']), 'returns.md');
  const uploaded = (await ok(app.admin(`/v1/admin/sites/${site.id}/sources/files`, { method: 'POST', body: file }), 202)) as {
    id: string;
  };
  const settled = async (id: string) => {
    for (let tries = 0; ; tries++) {
      const source = (await ok(app.admin(`/v1/admin/sources/${id}`))) as { status: string };
      if (source.status === 'ready' || source.status === 'failed') return;
      if (tries > 400) throw new Error(`knowledge sync ${source.status}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  await settled(snippet.id);
  await settled(uploaded.id);
  await ok(app.admin(`/v1/admin/sources/${snippet.id}/sync`, { method: 'POST' }), 202);
  await settled(snippet.id);
  const sources = (await ok(app.admin(`/v1/admin/sites/${site.id}/sources?limit=1`))) as { nextCursor: string };
  await ok(app.admin(`/v1/admin/sites/${site.id}/sources?limit=1&cursor=${sources.nextCursor}`));
  await ok(app.admin(`/v1/admin/sources/${snippet.id}`, { method: 'DELETE' }), 204);

  // Unanswered questions: the list (answers not grounded or rated down, their questions) and a dismissal.
  await ok(visitor.request(`/v1/widget/messages/${answer.id}/feedback`, { method: 'POST', json: { rating: 'down' } }));
  const unanswered = (await ok(app.admin(`/v1/admin/sites/${site.id}/unanswered?days=7`))) as {
    items: { answerIds: string[] }[];
  };
  if (!unanswered.items[0]) throw new Error('no unanswered question listed');
  await ok(
    app.admin(`/v1/admin/sites/${site.id}/unanswered/dismiss`, {
      method: 'POST',
      json: { answerIds: unanswered.items[0].answerIds },
    }),
  );

  // Background jobs: orphan sweep and crash recovery at start.
  await app.services.images.sweepOrphans(0);
  await app.services.chat.recoverInterrupted();

  // Owners' data tools: a retention run over a site that keeps 1 day, an erasure, their records.
  await ok(app.admin(`/v1/admin/sites/${site.id}`, { method: 'PATCH', json: { retentionDays: 1 } }));
  await runKeyedJob(app, 'retention.run');
  // The one-time slot backfill over documents stored before `slot` (made so here).
  const ownedBy = { tenantId: (await app.models.Site.findById(site.id).lean())?.tenantId, siteId: new Types.ObjectId(site.id) };
  await app.models.Message.updateMany(ownedBy, { $unset: { slot: 1 } });
  await runKeyedJob(app, 'stats.backfillSlot');
  if (await app.models.Message.countDocuments({ ...ownedBy, slot: null })) throw new Error('slots not given');
  await ok(
    app.admin(`/v1/admin/sites/${site.id}/erasures`, { method: 'POST', json: { visitorId: identified.session.visitorId } }),
    201,
  );
  await ok(app.admin(`/v1/admin/sites/${site.id}/erasures`, { method: 'POST', json: { userId: 'user-1' } }), 201);
  const removals = (await ok(app.admin(`/v1/admin/sites/${site.id}/removals?limit=1`))) as { nextCursor: string };
  await ok(app.admin(`/v1/admin/sites/${site.id}/removals?limit=1&cursor=${removals.nextCursor}`));

  // Deletes last: a conversation (messages and images with it), then a site.
  await ok(app.admin(`/v1/admin/conversations/${conversation.id}`, { method: 'DELETE' }), 204);
  // The site's deletion runs on the job queue: its batches are recorded once the job is done.
  const deletion = (await ok(app.admin(`/v1/admin/sites/${site.id}`, { method: 'DELETE' }), 202)) as { id: string };
  for (let tries = 0; ; tries++) {
    const job = (await ok(app.admin(`/v1/admin/jobs/${deletion.id}`))) as { status: string };
    if (job.status === 'done') break;
    if (tries > 400) throw new Error(`site deletion ${job.status}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  await ok(app.admin(`/v1/admin/sites/${other.id}`, { method: 'DELETE' }), 202);
}

describe('index coverage of every query shape', () => {
  let shapes: QueryShape[];
  beforeAll(() => {
    shapes = shapesOf(operations);
  });

  it('records the reads and writes of every repository', () => {
    const collections = new Set(shapes.map((s) => s.collection));
    for (const name of [
      'sites',
      'visitors',
      'conversations',
      'messages',
      'streams',
      'images',
      'jobs',
      'jobclaims',
      'knowledgesources',
      'knowledgechunks',
      'knowledgeversions',
      'knowledgefileparts',
    ])
      expect(collections).toContain(name);
    expect(shapes.some((s) => s.method === 'aggregate')).toBe(true);
    expect(shapes.some((s) => s.sort.length > 0)).toBe(true);
  });

  it('finds a declared index whose prefix serves each filter and sort', () => {
    const problems = unservedShapes(shapes, app.models).map(
      (s) =>
        `${s.collection}.${s.method} equality {${s.equality.join(', ')}} range {${s.range.join(', ')}} sort {${s.sort.join(', ')}}`,
    );
    expect(problems).toEqual([]);
  });
});
