import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import { appendSearchText } from '../../server/data/conversationRepository.js';
import { utcDay, utcSlot } from '../../server/data/cursor.js';
import type { DayCounts } from '../../server/data/dailyCountRepository.js';
import { messageIdFor } from '../../server/data/messageRepository.js';
import type { SiteRecord } from '../../server/data/siteRepository.js';
import type { ConversationDoc, ConversationWindowDoc } from '../../server/db/models/conversation.js';
import type { ImageDoc } from '../../server/db/models/image.js';
import type { Models } from '../../server/db/models/index.js';
import type { MessageDoc } from '../../server/db/models/message.js';
import type { VisitorDoc } from '../../server/db/models/visitor.js';
import { RECENT_CAPACITY } from '../../server/domain/conversationWindow.js';

const TOPICS = ['refund', 'shipping', 'password', 'invoice', 'delivery', 'account', 'pricing', 'warranty', 'login', 'order'];
const DAY_MS = 86_400_000;
/** Bulk writes of this many documents per call (far below the wire protocol's 100,000 / 48 MB limits). */
const BATCH = 1000;
/** Bulk writes in flight at once. */
const WRITERS = 3;

export interface SeededConversation {
  id: string;
  tenantId: string;
  siteId: string;
  visitorId: string;
  messages: number;
}

/** Per `<tenantId>|<siteId>|<slot>`: what the stats count (conversations by their ten minutes of creation, messages, images). */
export type SeededDays = Map<string, DayCounts>;

export interface SeedCounts {
  conversations: number;
  messages: number;
  images: number;
  visitors: number;
}

/** A cheap deterministic spread of numbers from an index (no Math.random: runs are comparable). */
const spread = (i: number, mod: number) => ((i * 2_654_435_761) >>> 0) % mod;

/**
 * The documents a conversation with `turns` question/answer pairs leaves after real use, shaped like the
 * repositories write them (ids derived as the send path derives them, stored `day`, the `recent` window, the
 * bounded `searchText`); every 10th has an image on its first question, every 7th a rating on its last answer.
 */
function conversationDocs(index: number, site: SiteRecord, turns: number, now: number) {
  const _id = new Types.ObjectId();
  const id = String(_id);
  const siteId = new Types.ObjectId(site.id);
  const visitorId = new Types.ObjectId();
  const start = now - spread(index, 60 * DAY_MS) - turns * 60_000;
  const topic = TOPICS[spread(index, TOPICS.length)] as string;
  const withImage = index % 10 === 3;
  // One conversation in a hundred of every site's (ten indexes in a thousand: the sites take turns), on any of its days,
  // mentions a receipt: the searches' typical word. The topic follows the index too, so tenant 0 (every tenth index)
  // has five of the ten topics and never "warranty": the searches' worst case, a word none of its conversations holds.
  const receipt = Math.floor(index / 10) % 100 === 37;
  const rating: 'up' | 'down' | null = index % 7 === 0 ? (index % 14 === 0 ? 'up' : 'down') : null;
  const messages: MessageDoc[] = [];
  const images: ImageDoc[] = [];
  let searchText = '';
  for (let turn = 0; turn < turns; turn++) {
    const asked = new Date(start + turn * 60_000);
    const answered = new Date(asked.getTime() + 4_000);
    const clientMessageId = `seed-${index}-${turn}`;
    const questionId = new Types.ObjectId(messageIdFor(id, clientMessageId, 'user'));
    const question = `Question ${turn + 1} about my ${topic} (case ${index}): it has been a few days, what should I do next?${receipt && turn === 0 ? ' I lost the receipt.' : ''}`;
    const answer = `About your ${topic}: open your account page, choose the ${topic} section and follow the steps shown there. If it still does not work, reply here and I will help you further.`;
    const image: ImageDoc | null =
      withImage && turn === 0
        ? {
            _id: new Types.ObjectId(),
            tenantId: site.tenantId,
            siteId,
            visitorId,
            conversationId: _id,
            messageId: questionId,
            storage: 'local',
            key: `bench/${index}.webp`,
            providerFileId: null,
            url: `/images/bench/${index}.webp`,
            mimeType: 'image/webp',
            width: 1024,
            height: 768,
            bytes: 48_000 + spread(index, 100_000),
            sha256: createHash('sha256').update(String(index)).digest('hex'),
            originalName: 'photo.jpg',
            day: utcDay(asked),
            slot: utcSlot(asked),
            createdAt: asked,
          }
        : null;
    if (image) images.push(image);
    const base = {
      tenantId: site.tenantId,
      siteId,
      conversationId: _id,
      errorCode: null,
      clientMessageId,
      citations: [],
      grounded: false,
      retrievalScore: null,
    };
    messages.push({
      ...base,
      _id: questionId,
      role: 'user',
      text: question,
      images: image
        ? [
            {
              _id: image._id,
              storage: 'local',
              key: image.key,
              url: image.url,
              mimeType: image.mimeType,
              width: 1024,
              height: 768,
            },
          ]
        : [],
      status: 'complete',
      model: null,
      usage: null,
      feedback: null,
      day: utcDay(asked),
      slot: utcSlot(asked),
      createdAt: asked,
      updatedAt: asked,
    });
    messages.push({
      ...base,
      _id: new Types.ObjectId(messageIdFor(id, clientMessageId, 'assistant')),
      role: 'assistant',
      text: answer,
      images: [],
      status: 'complete',
      model: 'gemini-2.5-flash',
      usage: { inputTokens: 120 + turn * 80, outputTokens: 48 },
      feedback: turn === turns - 1 ? rating : null,
      day: utcDay(answered),
      slot: utcSlot(answered),
      createdAt: answered,
      updatedAt: answered,
    });
    searchText = appendSearchText(searchText, question, answer);
  }
  const created = new Date(start);
  const last = messages[messages.length - 1]?.createdAt ?? created;
  const conversation: ConversationDoc = {
    _id,
    tenantId: site.tenantId,
    siteId,
    visitorId,
    title: messages[0]?.text.slice(0, 80) ?? '',
    firstQuestion: messages[0]?.text.slice(0, 300) ?? '',
    messageCount: messages.length,
    hasImages: images.length > 0,
    thumbnailImageId: images[0]?._id ?? null,
    ratingUp: rating === 'up' ? 1 : 0,
    ratingDown: rating === 'down' ? 1 : 0,
    pageUrl: 'https://shop.example.com/help',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
    locale: 'en-US',
    user: null,
    searchText,
    day: utcDay(created),
    slot: utcSlot(created),
    // The lists read conversations by the day of their last message (a newer field than this seeder).
    lastDay: utcDay(last),
    lastMessageAt: last,
    createdAt: created,
    updatedAt: last,
  };
  const visitor: VisitorDoc = {
    _id: visitorId,
    tenantId: site.tenantId,
    siteId,
    userId: null,
    name: null,
    email: null,
    createdAt: created,
  };
  const window: ConversationWindowDoc = {
    _id,
    messages: messages
      .slice(-RECENT_CAPACITY)
      .map(({ tenantId: _t, siteId: _s, conversationId: _c, day: _d, slot: _h, ...m }) => m),
  };
  return { conversation, window, messages, images, visitor };
}

/** Checks one conversation's documents against the Mongoose schemas, so the bulk-inserted shapes are the real ones. */
export async function assertShapes(models: Models, site: SiteRecord): Promise<void> {
  const docs = conversationDocs(3, site, 2, Date.now());
  const checks = [
    new models.Conversation(docs.conversation),
    new models.ConversationWindow(docs.window),
    new models.Visitor(docs.visitor),
    ...docs.messages.map((m) => new models.Message(m)),
    ...docs.images.map((i) => new models.Image(i)),
  ];
  for (const doc of checks) await doc.validate();
}

/**
 * Bulk-inserts conversations `from` … `from + count - 1` (10 messages each; the one at index 0 has 200), spread over
 * the sites (one per tenant) and the last 60 days. `shouldStop` is asked between batches (time budget).
 */
export async function seedConversations(
  models: Models,
  sites: SiteRecord[],
  from: number,
  count: number,
  shouldStop: () => boolean = () => false,
  days: SeededDays = new Map(),
): Promise<{ counts: SeedCounts; seeded: SeededConversation[]; stopped: boolean }> {
  const countDay = (doc: { tenantId: string; siteId: Types.ObjectId; slot?: string }, key: keyof DayCounts) => {
    const id = `${doc.tenantId}|${String(doc.siteId)}|${doc.slot}`;
    const counts = days.get(id) ?? { conversations: 0, messages: 0, images: 0 };
    counts[key]++;
    days.set(id, counts);
  };
  const counts: SeedCounts = { conversations: 0, messages: 0, images: 0, visitors: 0 };
  const seeded: (SeededConversation & { index: number })[] = [];
  const now = Date.now();
  const perBatch = BATCH / 10;
  const writeBatch = async (start: number) => {
    const batch = Array.from({ length: Math.min(perBatch, from + count - start) }, (_, k) => {
      const index = start + k;
      const site = sites[index % sites.length] as SiteRecord;
      return conversationDocs(index, site, index === 0 ? 100 : 5, now);
    });
    const messages = batch.flatMap((b) => b.messages);
    const images = batch.flatMap((b) => b.images);
    for (let i = 0; i < messages.length; i += BATCH)
      await models.Message.collection.insertMany(messages.slice(i, i + BATCH), { ordered: false });
    await models.Conversation.collection.insertMany(
      batch.map((b) => b.conversation),
      { ordered: false },
    );
    await models.ConversationWindow.collection.insertMany(
      batch.map((b) => b.window),
      { ordered: false },
    );
    await models.Visitor.collection.insertMany(
      batch.map((b) => b.visitor),
      { ordered: false },
    );
    if (images.length) await models.Image.collection.insertMany(images, { ordered: false });
    for (const b of batch) countDay(b.conversation, 'conversations');
    for (const m of messages) countDay(m, 'messages');
    for (const i of images) countDay(i, 'images');
    counts.conversations += batch.length;
    counts.visitors += batch.length;
    counts.messages += messages.length;
    counts.images += images.length;
    for (const [k, b] of batch.entries())
      seeded.push({
        index: start + k,
        id: String(b.conversation._id),
        tenantId: b.conversation.tenantId,
        siteId: String(b.conversation.siteId),
        visitorId: String(b.conversation.visitorId),
        messages: b.messages.length,
      });
  };
  // Several batches in flight: the database decodes one while SQLite writes another.
  let next = from;
  let stopped = false;
  const writer = async () => {
    while (next < from + count) {
      if (shouldStop()) {
        stopped = true;
        return;
      }
      const start = next;
      next += perBatch;
      await writeBatch(start);
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, writer));
  seeded.sort((a, b) => a.index - b.index);
  return { counts, seeded: seeded.map(({ index: _i, ...c }) => c), stopped };
}
