import { createSseParser, type SseEvent } from './createSseParser.js';

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
