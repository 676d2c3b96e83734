import type { ImageRef, Message, MessageStatus, Rating } from '../../../contract/index.js';

/** One bubble in the list: a stored message, or a local one still on its way (no `id` yet). */
export interface ChatItem {
  key: string;
  id: string | null;
  role: Message['role'];
  text: string;
  status: MessageStatus;
  images: ImageRef[];
  feedback: Rating | null;
  errorCode: string | null;
  clientMessageId: string | null;
  /** The stored message once the server sent it; what gets committed into the query cache. */
  message?: Message;
  /** A regenerated answer takes the place of the failed one (whose id it may not share). */
  replaces?: string;
}

/** A stored message as a bubble (it keeps the message's other fields, unused by the list). */
export const fromMessage = (message: Message): ChatItem => ({ ...message, key: message.id, message });

/**
 * Stored history with the turns in flight laid over it: a live bubble takes its stored twin's place (by id, or the id
 * it replaces); a question the server has stored under its clientMessageId shows as stored.
 */
export function mergeItems(history: Message[], live: ChatItem[]): ChatItem[] {
  const items = history.map(fromMessage);
  for (const item of live) {
    // Only stored messages are twins (their ids are strings; a bubble not stored yet has none).
    const at = history.findIndex((m) => m.id === (item.replaces ?? item.id) || m.id === item.id);
    const echoed = item.role === 'user' && !item.id && history.some((m) => m.clientMessageId === item.clientMessageId);
    if (at >= 0) items[at] = item;
    else if (!echoed) items.push(item);
  }
  return items;
}
