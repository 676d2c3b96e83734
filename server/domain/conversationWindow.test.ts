import { describe, expect, it } from 'vitest';
import { decodeCursor } from '../data/cursor.js';
import { type MessageRecord, NO_CITATIONS } from '../data/messageRepository.js';
import { pageFromWindow, RECENT_CAPACITY, RECENT_PAGE, windowWith } from './conversationWindow.js';

const message = (n: number, at: number, changes: Partial<MessageRecord> = {}): MessageRecord => ({
  id: n.toString(16).padStart(24, '0'),
  tenantId: 't',
  siteId: 'a'.repeat(24),
  conversationId: 'b'.repeat(24),
  role: n % 2 ? 'assistant' : 'user',
  text: `m${n}`,
  images: [],
  status: 'complete',
  errorCode: null,
  clientMessageId: `c${Math.floor(n / 2)}`,
  model: null,
  usage: null,
  feedback: null,
  ...NO_CITATIONS,
  createdAt: new Date(at),
  updatedAt: new Date(at),
  ...changes,
});

const ids = (window: MessageRecord[]) => window.map((m) => m.text);

describe('windowWith', () => {
  it('keeps the stored order (time, then id) and the latest RECENT_CAPACITY messages', () => {
    let window: MessageRecord[] = [];
    for (let n = 0; n < RECENT_CAPACITY + 5; n++) window = windowWith(window, message(n, 1000 + n));
    expect(window).toHaveLength(RECENT_CAPACITY);
    expect(window[0]?.text).toBe('m5');
    expect(window.at(-1)?.text).toBe(`m${RECENT_CAPACITY + 4}`);
    // Same time: the id decides, as in the history query's sort.
    expect(ids(windowWith([message(9, 5000)], message(3, 5000)))).toEqual(['m3', 'm9']);
  });

  it('replaces a message by id, moving it to its new time, and drops a change older than a full window', () => {
    const window = [message(0, 10), message(1, 20), message(2, 30)];
    expect(ids(windowWith(window, message(1, 40, { text: 'retried' })))).toEqual(['m0', 'm2', 'retried']);
    expect(windowWith(window, message(1, 20, { feedback: 'up' }))[1]).toMatchObject({ text: 'm1', feedback: 'up' });
    const full = Array.from({ length: RECENT_CAPACITY }, (_, n) => message(n + 10, 100 + n));
    expect(windowWith(full, message(1, 5, { feedback: 'down' }))).toEqual(full);
  });
});

describe('pageFromWindow', () => {
  it('returns the latest messages, oldest first, with a cursor at the oldest only when older ones exist', () => {
    const window = Array.from({ length: 6 }, (_, n) => message(n, 100 + n));
    expect(pageFromWindow(window, 10)).toEqual({ items: window, nextCursor: null });
    expect(pageFromWindow(window, 6).nextCursor).toBeNull();
    const page = pageFromWindow(window, 4);
    expect(ids(page.items)).toEqual(['m2', 'm3', 'm4', 'm5']);
    expect(decodeCursor(page.nextCursor ?? undefined)).toEqual({ at: new Date(102), id: expect.anything() });
    expect(String(decodeCursor(page.nextCursor ?? undefined)?.id)).toBe(window[2]?.id);
    const full = Array.from({ length: RECENT_CAPACITY }, (_, n) => message(n, 100 + n));
    expect(pageFromWindow(full, RECENT_PAGE).items).toHaveLength(RECENT_PAGE);
    expect(pageFromWindow(full, RECENT_PAGE).nextCursor).not.toBeNull();
  });
});
