// Zod-free and DOM-free beyond fetch's Response, so the widget and the dashboard read event streams with one parser.

export interface SseEvent {
  event: string;
  data: string;
  id: string | null;
}

/**
 * An incremental `text/event-stream` parser (WHATWG HTML §9.2.6): feed it text chunks split anywhere; it handles
 * LF, CRLF and CR line ends (a CR at a chunk's end waits for the next chunk), comment lines (`: ping`), multi-line
 * `data`, a leading BOM, and one optional space after the colon.
 */
export function createSseParser(onEvent: (event: SseEvent) => void) {
  let buffer = '';
  let first = true;
  let event = '';
  let data: string[] = [];
  let id: string | null = null;

  const line = (text: string) => {
    if (text === '') {
      if (data.length) onEvent({ event: event || 'message', data: data.join('\n'), id });
      event = '';
      data = [];
      return;
    }
    if (text[0] === ':') return;
    const colon = text.indexOf(':');
    const field = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? '' : text.slice(colon + 1);
    if (value[0] === ' ') value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id' && !value.includes('\0')) id = value;
  };

  const drain = (final: boolean) => {
    let start = 0;
    for (let i = 0; i < buffer.length; i++) {
      const c = buffer[i];
      if (c !== '\n' && c !== '\r') continue;
      if (c === '\r' && i === buffer.length - 1 && !final) break;
      line(buffer.slice(start, i));
      if (c === '\r' && buffer[i + 1] === '\n') i++;
      start = i + 1;
    }
    buffer = buffer.slice(start);
  };

  return {
    push(chunk: string) {
      buffer += chunk;
      if (first && buffer) {
        first = false;
        if (buffer.charCodeAt(0) === 0xfeff) buffer = buffer.slice(1);
      }
      drain(false);
    },
    /** The stream ended: a trailing CR ends its line; an event without its blank line is dropped, as the spec says. */
    end() {
      drain(true);
      buffer = '';
      data = [];
    },
  };
}

/** Reads a fetch Response body as Server-Sent Events, decoding UTF-8 across chunk boundaries. */
export async function readEventStream(res: Response, onEvent: (event: SseEvent) => void): Promise<void> {
  if (!res.body) return;
  const parser = createSseParser(onEvent);
  const decoder = new TextDecoder();
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parser.push(decoder.decode(value, { stream: true }));
  }
  parser.push(decoder.decode());
  parser.end();
}
