import type { StreamEvent } from '../api/streamAnswer.js';
import { type ChatItem, fromMessage } from './ChatItem.js';

/** The bubbles of one turn: the visitor's question (none for a retried answer) and the answer. */
export interface Turn {
  question: string | null;
  answer: string;
}

/**
 * Everything that changes the turns in flight (the bubbles not yet in the stored history), as data: the answer's
 * event stream (`message`, `delta`, `done` | `delivered` | `error`, as the server sends them) addressed to its turn, and the
 * turn's own life (queued, started, cut off, committed).
 */
export type TurnAction =
  | (StreamEvent & { turn: Turn })
  /** The visitor's message, before it is sent (or while it waits for the connection). */
  | { type: 'queued'; item: ChatItem }
  /** The answer starts streaming into `item` (a retried one takes its old bubble's place); the question is pending. */
  | { type: 'started'; turn: Turn; item: ChatItem }
  /**
   * The stream ended without its last event: stopped by the visitor (`code` null) or broken. When the question never
   * reached the server (`sent` false), it keeps its text, marked failed, and the answer bubble goes.
   */
  | { type: 'cut'; turn: Turn; code: string | null; sent: boolean }
  /** These bubbles are now in the stored history. */
  | { type: 'committed'; keys: string[] }
  | { type: 'cleared' };

const patch = (items: ChatItem[], key: string | null, change: (item: ChatItem) => Partial<ChatItem>): ChatItem[] =>
  items.map((item) => (item.key === key ? { ...item, ...change(item) } : item));

/** The one place a turn's bubbles change. Actions for a bubble that is gone (a new conversation) change nothing. */
export function reduceTurns(items: ChatItem[], action: TurnAction): ChatItem[] {
  switch (action.type) {
    case 'queued':
      return [...items, action.item];
    case 'started': {
      const { item, turn } = action;
      const next = items.some((i) => i.key === item.key) ? items.map((i) => (i.key === item.key ? item : i)) : [...items, item];
      return patch(next, turn.question, () => ({ status: 'pending', errorCode: null }));
    }
    case 'message':
    case 'done':
    case 'error': {
      // The stored question (`message`) or answer: its bubble keeps its key (no remount) and carries the message.
      const key = action.type === 'message' ? action.turn.question : action.turn.answer;
      const stored = action.type === 'error' ? action.data.message : action.data;
      return patch(items, key, () =>
        stored
          ? { ...fromMessage(stored), key: key! }
          : { status: 'error', errorCode: action.type === 'error' ? action.data.error.code : null },
      );
    }
    case 'delivered':
      // The question went to a person: no answer follows, so its bubble goes.
      return items.filter((item) => item.key !== action.turn.answer);
    case 'delta':
      return patch(items, action.turn.answer, (item) => ({ text: item.text + action.data.text }));
    case 'cut': {
      const { turn, code, sent } = action;
      if (!sent && turn.question)
        return patch(items, turn.question, () => ({ status: 'error', errorCode: code })).filter((i) => i.key !== turn.answer);
      return patch(items, turn.answer, () => (code ? { status: 'error', errorCode: code } : { status: 'stopped' }));
    }
    case 'committed':
      return items.filter((item) => !action.keys.includes(item.key));
    case 'cleared':
      return [];
  }
}
