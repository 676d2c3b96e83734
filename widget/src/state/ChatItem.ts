import type { ImageRef, Message, MessageStatus, Rating } from '../../../contract/index.js';

/** One bubble in the list: a stored message, or a local one still on its way (no `id` yet). */
export interface ChatItem {
  key: string;
  id: string | null;
  role: 'user' | 'assistant';
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

/** Stored history with the in-flight turn laid over it: a live item replaces its stored twin in place. */
export function mergeItems(history: Message[], live: ChatItem[]): ChatItem[] {
  const byId = new Map<string, ChatItem>();
  for (const item of live) {
    const twin = item.replaces ?? item.id;
    if (twin) byId.set(twin, item);
  }
  const storedIds = new Set(history.map((m) => m.id));
  const storedClientIds = new Set(history.map((m) => m.clientMessageId));
  const items = history.map((m) => byId.get(m.id) ?? fromMessage(m));
  for (const item of live) {
    if (storedIds.has(item.replaces ?? item.id ?? '') || (item.id && storedIds.has(item.id))) continue;
    if (item.role === 'user' && !item.id && storedClientIds.has(item.clientMessageId)) continue;
    items.push(item);
  }
  return items;
}
