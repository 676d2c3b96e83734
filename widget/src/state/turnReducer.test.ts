import { describe, expect, it } from 'vitest';
import { storedMessage } from '../test/storedMessage.js';
import type { ChatItem } from './ChatItem.js';
import { reduceTurns, type TurnAction } from './turnReducer.js';

const question: ChatItem = {
  key: 'q1',
  id: null,
  role: 'user',
  text: 'Hi',
  status: 'pending',
  images: [],
  feedback: null,
  errorCode: 'offline',
  clientMessageId: 'q1',
};
const answer: ChatItem = { ...question, key: 'answer-q1', role: 'assistant', text: '', status: 'streaming', errorCode: null };
const turn = { question: 'q1', answer: 'answer-q1' };
const stored = storedMessage;
const run = (...actions: TurnAction[]) => actions.reduce(reduceTurns, [] as ChatItem[]);
const started: TurnAction = { type: 'started', turn, item: answer };
const streamed = (...texts: string[]): ChatItem[] =>
  run(
    { type: 'queued', item: question },
    started,
    { type: 'message', data: stored({ id: 'u1' }), turn },
    ...texts.map((text): TurnAction => ({ type: 'delta', data: { text }, turn })),
  );

describe('reduceTurns', () => {
  it('streams a turn: queued, started (question pending), echo stored, deltas appended, answer stored', () => {
    const items = streamed('Hel', 'lo');
    expect(items.map((i) => [i.key, i.id, i.status, i.text, i.errorCode])).toEqual([
      ['q1', 'u1', 'complete', 'Hi', null],
      ['answer-q1', null, 'streaming', 'Hello', null],
    ]);
    const done = reduceTurns(items, { type: 'done', data: stored({ id: 'a1', role: 'assistant', text: 'Hello' }), turn });
    // Each bubble keeps its key (no remount) and now carries the stored message to commit.
    expect(done[0]).toMatchObject({ key: 'q1', message: { id: 'u1' } });
    expect(done[1]).toMatchObject({ key: 'answer-q1', id: 'a1', status: 'complete', message: { id: 'a1' } });
  });

  it('an error event stores the failed answer when the server sent it, else marks the bubble with its code', () => {
    const error = { code: 'model_unavailable', message: 'The model is unavailable' };
    const failed = stored({ id: 'a1', role: 'assistant', status: 'error', errorCode: 'model_unavailable' });
    expect(reduceTurns(streamed('x'), { type: 'error', data: { error, message: failed }, turn })[1]).toMatchObject({
      id: 'a1',
      status: 'error',
      message: { id: 'a1' },
    });
    const bare = reduceTurns(streamed('x'), { type: 'error', data: { error }, turn })[1];
    expect(bare).toMatchObject({ id: null, status: 'error', errorCode: 'model_unavailable', text: 'x' });
    expect(bare?.message).toBeUndefined();
  });

  it('a stream cut off is stopped (by the visitor) or failed (broken), keeping the partial text', () => {
    const base = streamed('One ');
    expect(reduceTurns(base, { type: 'cut', turn, code: null, sent: true })[1]).toMatchObject({
      status: 'stopped',
      text: 'One ',
    });
    expect(reduceTurns(base, { type: 'cut', turn, code: 'stream_interrupted', sent: true })[1]).toMatchObject({
      status: 'error',
      errorCode: 'stream_interrupted',
      text: 'One ',
    });
  });

  it('an unsent question keeps its text marked failed, and its answer bubble goes', () => {
    const items = run({ type: 'queued', item: question }, started, { type: 'cut', turn, code: 'rate_limited', sent: false });
    expect(items).toEqual([{ ...question, status: 'error', errorCode: 'rate_limited' }]);
  });

  it('a retried answer streams in its old bubble’s place and remembers whom it replaces', () => {
    const failed: ChatItem = { ...answer, id: 'a1', status: 'error', text: 'x' };
    const retried = { question: null, answer: failed.key };
    const items = run(
      { type: 'queued', item: failed },
      { type: 'queued', item: { ...question, key: 'q2' } },
      { type: 'started', turn: retried, item: { ...answer, id: 'a1', replaces: 'a1' } },
    );
    expect(items.map((i) => [i.key, i.status])).toEqual([
      ['answer-q1', 'streaming'],
      ['q2', 'pending'],
    ]);
    // The retry's echo of the question changes no bubble: the question is already stored.
    const echoed = reduceTurns(items, { type: 'message', data: stored({ id: 'u1' }), turn: retried });
    expect(echoed).toEqual(items);
    const done = reduceTurns(echoed, { type: 'done', data: stored({ id: 'a1', role: 'assistant' }), turn: retried });
    expect(done[0]).toMatchObject({ replaces: 'a1', status: 'complete' });
  });

  it('removes committed bubbles, clears, and ignores events for a bubble that is gone', () => {
    const items = run({ type: 'queued', item: question }, started);
    expect(reduceTurns(items, { type: 'committed', keys: ['q1'] }).map((i) => i.key)).toEqual(['answer-q1']);
    expect(reduceTurns(items, { type: 'cleared' })).toEqual([]);
    expect(reduceTurns([], { type: 'delta', data: { text: 'late' }, turn })).toEqual([]);
    expect(reduceTurns([], { type: 'done', data: stored({}), turn })).toEqual([]);
  });
});
