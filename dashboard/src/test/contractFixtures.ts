import {
  type AdminConversation,
  DEFAULT_LEAD_CAPTURE,
  type Me,
  type Message,
  type Site,
  type Source,
  type Stats,
} from '../../../contract/index.js';

const hex = (n: number) => n.toString(16).padStart(24, '0');

export const SITE_ID = hex(0xa1);

/** The signed-in admin, as `GET /v1/admin/me` answers in local mode. */
export const me = (overrides: Partial<Me> = {}): Me => ({
  tenantId: 'local',
  role: 'admin',
  userId: null,
  agent: { id: 'local-admin', name: 'Support' },
  displayName: null,
  ...overrides,
});

export const site = (overrides: Partial<Site> = {}): Site => ({
  id: SITE_ID,
  name: 'Shop',
  publicKey: 'pk_shop',
  allowedOrigins: ['https://shop.example'],
  look: {
    title: 'Help',
    accentColor: '#2563eb',
    position: 'bottom-right',
    greeting: 'Hi!',
    starterPrompts: [],
    zIndex: 2147483000,
  },
  persona: '',
  model: null,
  temperature: 0.7,
  faq: [],
  dailyModelCalls: 1000,
  identityVerification: false,
  handoffEmails: [],
  retentionDays: null,
  leadCapture: { ...DEFAULT_LEAD_CAPTURE },
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...overrides,
});

export const conversation = (n: number): AdminConversation => ({
  id: hex(0x1000 + n),
  siteId: SITE_ID,
  visitorId: hex(0x2000 + n),
  title: `Conversation ${n}`,
  firstQuestion: `Question number ${n}?`,
  messageCount: 2,
  hasImages: false,
  thumbnailUrl: null,
  ratingUp: 0,
  ratingDown: 0,
  pageUrl: null,
  userAgent: null,
  locale: null,
  user: null,
  lead: null,
  mode: 'ai',
  assignee: null,
  waitingSince: null,
  unread: 0,
  email: null,
  lastMessageAt: new Date(Date.UTC(2026, 0, 31) - n * 60_000).toISOString(),
  createdAt: new Date(Date.UTC(2026, 0, 30) - n * 60_000).toISOString(),
});

export const emptyStats: Stats = { days: [], ratings: { up: 0, down: 0 }, totals: { conversations: 0, messages: 0, images: 0 } };

/** A stored message as the admin API returns it; `overrides` names what the test cares about. */
export const message = (overrides: Partial<Message> = {}): Message => ({
  id: hex(1),
  conversationId: hex(0xc1),
  role: 'user',
  author: null,
  text: 'Hi',
  status: 'complete',
  errorCode: null,
  clientMessageId: null,
  images: [],
  feedback: null,
  model: null,
  usage: null,
  citations: [],
  grounded: false,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...overrides,
});

/** A knowledge source as the admin API returns it, ready by default; `overrides` names what the test cares about. */
export const source = (n: number, overrides: Partial<Source> = {}): Source => ({
  id: hex(0x3000 + n),
  siteId: SITE_ID,
  type: 'url',
  title: `https://shop.example/help/${n}`,
  url: `https://shop.example/help/${n}`,
  status: 'ready',
  error: null,
  warning: null,
  pages: 1,
  chunks: 3,
  progress: { done: 1, total: 1 },
  failedPages: 0,
  failures: [],
  lastSyncedAt: '2026-01-02T10:00:00.000Z',
  createdAt: new Date(Date.UTC(2026, 0, 2) - n * 60_000).toISOString(),
  ...overrides,
});
