import { type Agent, request } from 'node:http';

export interface StreamTiming {
  /** ms from sending the request to the first token. */
  ttft: number;
  /** ms between consecutive tokens. */
  gaps: number[];
  tokens: number;
  /** Why the stream counts as failed, or null. */
  error: string | null;
}

/**
 * POSTs `body` and times the tokens of the `text/event-stream` answer as they arrive. `isToken` counts the tokens in
 * one SSE event block; `isEnd` recognises the event that completes the answer (`done` for ours).
 */
export function openStream(
  url: string,
  agent: Agent,
  headers: Record<string, string>,
  body: string,
  isToken: (block: string) => boolean,
  isEnd: (block: string) => boolean,
  isError: (block: string) => boolean,
): Promise<StreamTiming> {
  return new Promise((resolve) => {
    const start = performance.now();
    const times: number[] = [];
    let ended = false;
    let failure: string | null = null;
    let buffer = '';
    const finish = () =>
      resolve({
        ttft: times.length ? (times[0] as number) - start : Number.NaN,
        gaps: times.slice(1).map((t, i) => t - (times[i] as number)),
        tokens: times.length,
        error: failure ?? (ended ? null : 'stream ended without its final event'),
      });
    const req = request(
      url,
      { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        if (res.statusCode !== 200) {
          failure = `HTTP ${res.statusCode}`;
          res.resume();
          res.on('end', finish);
          return;
        }
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          const now = performance.now();
          buffer += chunk;
          for (let end = /\r?\n\r?\n/.exec(buffer); end; end = /\r?\n\r?\n/.exec(buffer)) {
            const block = buffer.slice(0, end.index);
            buffer = buffer.slice(end.index + end[0].length);
            if (isToken(block)) times.push(now);
            if (isError(block)) failure = `error event: ${block.slice(0, 200)}`;
            if (isEnd(block)) ended = true;
          }
        });
        res.on('end', finish);
        res.on('error', (error) => {
          failure = error.message;
          finish();
        });
      },
    );
    req.on('error', (error) => {
      failure = error.message;
      finish();
    });
    req.end(body);
  });
}
