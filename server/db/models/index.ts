import type { Connection, Model } from 'mongoose';
import { type AgentProfileDoc, agentProfileSchema } from './agentProfile.js';
import {
  type ConversationDoc,
  type ConversationWindowDoc,
  conversationSchema,
  conversationWindowSchema,
} from './conversation.js';
import { type ConversationLockDoc, conversationLockSchema } from './conversationLock.js';
import { type DailyCountDoc, dailyCountSchema } from './dailyCount.js';
import { type ImageDoc, imageSchema } from './image.js';
import { type JobClaimDoc, type JobDoc, jobClaimSchema, jobSchema } from './job.js';
import {
  type KnowledgeChunkDoc,
  type KnowledgeFilePartDoc,
  type KnowledgeSourceDoc,
  type KnowledgeVersionDoc,
  knowledgeChunkSchema,
  knowledgeFilePartSchema,
  knowledgeSourceSchema,
  knowledgeVersionSchema,
} from './knowledge.js';
import {
  type AgentPresenceDoc,
  agentPresenceSchema,
  type LiveEventDoc,
  type LiveHeadDoc,
  liveEventSchema,
  liveHeadSchema,
} from './liveEvent.js';
import { type MessageDoc, messageSchema } from './message.js';
import { type RemovalDoc, removalSchema } from './removal.js';
import { type SiteDoc, siteSchema } from './site.js';
import { type StreamDoc, streamSchema } from './stream.js';
import { type UsageDoc, usageSchema } from './usage.js';
import { type VisitorDoc, visitorSchema } from './visitor.js';
import { type WebhookAttemptDoc, type WebhookDoc, webhookAttemptSchema, webhookSchema } from './webhook.js';

export interface Models {
  Site: Model<SiteDoc>;
  Visitor: Model<VisitorDoc>;
  Conversation: Model<ConversationDoc>;
  ConversationWindow: Model<ConversationWindowDoc>;
  ConversationLock: Model<ConversationLockDoc>;
  Message: Model<MessageDoc>;
  Stream: Model<StreamDoc>;
  Image: Model<ImageDoc>;
  Job: Model<JobDoc>;
  JobClaim: Model<JobClaimDoc>;
  Usage: Model<UsageDoc>;
  KnowledgeSource: Model<KnowledgeSourceDoc>;
  KnowledgeChunk: Model<KnowledgeChunkDoc>;
  KnowledgeVersion: Model<KnowledgeVersionDoc>;
  KnowledgeFilePart: Model<KnowledgeFilePartDoc>;
  LiveEvent: Model<LiveEventDoc>;
  LiveHead: Model<LiveHeadDoc>;
  AgentPresence: Model<AgentPresenceDoc>;
  AgentProfile: Model<AgentProfileDoc>;
  DailyCount: Model<DailyCountDoc>;
  Removal: Model<RemovalDoc>;
  Webhook: Model<WebhookDoc>;
  WebhookAttempt: Model<WebhookAttemptDoc>;
}

/** Registers every model on a connection (never on mongoose's global one) and builds their indexes. */
export async function createModels(connection: Connection): Promise<Models> {
  const models: Models = {
    Site: connection.model<SiteDoc>('Site', siteSchema),
    Visitor: connection.model<VisitorDoc>('Visitor', visitorSchema),
    Conversation: connection.model<ConversationDoc>('Conversation', conversationSchema),
    ConversationWindow: connection.model<ConversationWindowDoc>('ConversationWindow', conversationWindowSchema),
    // In the streams collection: an answer's in-flight entry and its conversation's lock go in and out together.
    ConversationLock: connection.model<ConversationLockDoc>('ConversationLock', conversationLockSchema, 'streams'),
    Message: connection.model<MessageDoc>('Message', messageSchema),
    Stream: connection.model<StreamDoc>('Stream', streamSchema),
    Image: connection.model<ImageDoc>('Image', imageSchema),
    Job: connection.model<JobDoc>('Job', jobSchema),
    JobClaim: connection.model<JobClaimDoc>('JobClaim', jobClaimSchema),
    Usage: connection.model<UsageDoc>('Usage', usageSchema),
    LiveEvent: connection.model<LiveEventDoc>('LiveEvent', liveEventSchema),
    LiveHead: connection.model<LiveHeadDoc>('LiveHead', liveHeadSchema),
    AgentPresence: connection.model<AgentPresenceDoc>('AgentPresence', agentPresenceSchema),
    AgentProfile: connection.model<AgentProfileDoc>('AgentProfile', agentProfileSchema),
    KnowledgeSource: connection.model<KnowledgeSourceDoc>('KnowledgeSource', knowledgeSourceSchema),
    KnowledgeChunk: connection.model<KnowledgeChunkDoc>('KnowledgeChunk', knowledgeChunkSchema),
    KnowledgeVersion: connection.model<KnowledgeVersionDoc>('KnowledgeVersion', knowledgeVersionSchema),
    KnowledgeFilePart: connection.model<KnowledgeFilePartDoc>('KnowledgeFilePart', knowledgeFilePartSchema),
    DailyCount: connection.model<DailyCountDoc>('DailyCount', dailyCountSchema),
    Removal: connection.model<RemovalDoc>('Removal', removalSchema),
    Webhook: connection.model<WebhookDoc>('Webhook', webhookSchema),
    WebhookAttempt: connection.model<WebhookAttemptDoc>('WebhookAttempt', webhookAttemptSchema),
  };
  await Promise.all(Object.values(models).map((model: Model<unknown>) => model.init()));
  return models;
}
