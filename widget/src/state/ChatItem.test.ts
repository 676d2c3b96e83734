import { describe, expect, it } from 'vitest';
import type { Message } from '../../../contract/index.js';
import { storedMessage } from '../test/storedMessage.js';
import { type ChatItem, fromMessage, mergeItems } from './ChatItem.js';

const stored = (id: string, role: Message['role'], clientMessageId: string | null): Message =>
  storedMessage({ id, role, text: id, clientMessageId });
const local = (key: string, partial: Partial<ChatItem>): ChatItem => ({
  key,
  id: null,
  role: 'user',
  text: key,
  status: 'pending',
  images: [],
  feedback: null,
  errorCode: null,
  clientMessageId: key,
  ...partial,
});
const history = [stored('u1', 'user', 'k1'), stored('a1', 'assistant', 'k1')];
const keys = (items: ChatItem[]) => items.map((i) => i.key);

describe('mergeItems', () => {
  it('shows the stored history, then the turns in flight', () => {
    const items = mergeItems(history, [local('k2', {}), local('answer-k2', { role: 'assistant', clientMessageId: null })]);
    expect(keys(items)).toEqual(['u1', 'a1', 'k2', 'answer-k2']);
    expect(items[0]).toMatchObject({ id: 'u1', status: 'complete', message: { id: 'u1' } });
  });

  it('a live bubble takes its stored twin’s place: by its id, or by the id a retried answer replaces', () => {
    const retried = local('a1-key', { role: 'assistant', id: 'a1', replaces: 'a1', status: 'streaming' });
    expect(mergeItems(history, [retried])).toEqual([fromMessage(history[0]!), retried]);
    const echoed = local('k1', { id: 'u1', status: 'complete' });
    expect(keys(mergeItems(history, [echoed]))).toEqual(['k1', 'a1']);
  });

  it('a question another tab saw stored (same clientMessageId) shows once, as stored', () => {
    expect(keys(mergeItems(history, [local('k1', { status: 'error', errorCode: 'network_error' })]))).toEqual(['u1', 'a1']);
  });

  it('an answer in flight shows even when a stored question has no clientMessageId', () => {
    const answer = local('answer-x', { role: 'assistant', clientMessageId: null, status: 'streaming' });
    expect(keys(mergeItems([stored('u0', 'user', null)], [answer]))).toEqual(['u0', 'answer-x']);
  });
});
