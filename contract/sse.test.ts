import { describe, expect, it } from 'vitest';
import { createSseParser, readEventStream, type SseEvent } from './sse.js';

// A recorded answer stream as the server sends it, plus the awkward parts the spec allows.
const recorded = [
  ': ping\n\n',
  'event: message\ndata: {"id":"u1","role":"user","text":"Hi ☘️"}\n\n',
  'event: delta\ndata: {"text":"Hel"}\n\n',
  ': ping\n',
  'event: delta\ndata:{"text":"lo, «wörld» 🌱"}\n\n',
  'event: delta\ndata: {"text":"line\\none"}\n\n',
  'event: done\ndata: {"id":"a1","status":"complete"}\n\n',
].join('');

const expected: SseEvent[] = [
  { event: 'message', data: '{"id":"u1","role":"user","text":"Hi ☘️"}', id: null },
  { event: 'delta', data: '{"text":"Hel"}', id: null },
  { event: 'delta', data: '{"text":"lo, «wörld» 🌱"}', id: null },
  { event: 'delta', data: '{"text":"line\\none"}', id: null },
  { event: 'done', data: '{"id":"a1","status":"complete"}', id: null },
];

/** A small deterministic PRNG so a failing split can be reproduced from its seed. */
function random(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

function splitRandomly<T extends string | Uint8Array>(whole: T, rnd: () => number): T[] {
  const parts: T[] = [];
  let at = 0;
  while (at < whole.length) {
    const size = 1 + Math.floor(rnd() * 12);
    parts.push(whole.slice(at, at + size) as T);
    at += size;
  }
  return parts;
}

function parseChunks(chunks: string[]): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = createSseParser((e) => events.push(e));
  for (const chunk of chunks) parser.push(chunk);
  parser.end();
  return events;
}

describe('createSseParser', () => {
  it('parses the recorded stream in one piece', () => {
    expect(parseChunks([recorded])).toEqual(expected);
  });

  it('gives the same events for 500 random chunk splits, with LF, CRLF and CR line ends', () => {
    for (const eol of ['\n', '\r\n', '\r']) {
      const text = recorded.replaceAll('\n', eol);
      for (let seed = 1; seed <= 500; seed++) {
        const chunks = splitRandomly(text, random(seed * 7 + eol.length));
        expect(parseChunks(chunks), `eol ${JSON.stringify(eol)} seed ${seed}`).toEqual(expected);
      }
    }
  });

  it('handles CRLF split exactly between CR and LF, comments only, BOM, multi-line data and ids', () => {
    const events = parseChunks(['\uFEFF: hello\r', '\n', 'id: 7\r', '\ndata: a\r', '\ndata: b\r\n', '\r', '\n', ':\n\n']);
    expect(events).toEqual([{ event: 'message', data: 'a\nb', id: '7' }]);
  });

  it('ignores unknown fields and events without data, and drops an event cut off by the end of the stream', () => {
    expect(parseChunks(['retry: 10\nfoo: bar\n\nevent: delta\n\nevent: delta\ndata: {"text":"x"}'])).toEqual([]);
  });

  it('decodes UTF-8 split inside a multi-byte character when reading a Response body (random byte splits)', async () => {
    const bytes = new TextEncoder().encode(recorded.replaceAll('\n', '\r\n'));
    for (let seed = 1; seed <= 100; seed++) {
      const chunks = splitRandomly(bytes, random(seed));
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          for (const chunk of chunks) controller.enqueue(chunk);
          controller.close();
        },
      });
      const events: SseEvent[] = [];
      await readEventStream(new Response(body), (e) => events.push(e));
      expect(events, `seed ${seed}`).toEqual(expected);
    }
  });
});
