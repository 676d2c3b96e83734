import type { Message } from '../../../contract/index.js';

/** A stored message as the server returns it, for unit tests; `partial` names what the test cares about. */
export const storedMessage = (partial: Partial<Message> = {}): Message => ({
  id: 'm1',
  conversationId: 'c1',
  role: 'user',
  author: null,
  text: 'Hi',
  status: 'complete',
  errorCode: null,
  clientMessageId: 'q1',
  images: [],
  feedback: null,
  model: null,
  usage: null,
  citations: [],
  grounded: false,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...partial,
});
