import type { Request, Response } from 'express';
import type { LiveEventRecord } from '../data/liveEventRepository.js';
import type { LiveLog } from '../domain/handoff/liveLog.js';
import type { Logger } from '../lib/logger.js';
import { openEventStream } from './sse.js';

/** A client that has not taken this much of its stream is dropped (it resumes with `Last-Event-ID`). */
const MAX_BUFFERED_BYTES = 256 * 1024;
export const LIVE_HEARTBEAT_MS = 20_000;

export interface LiveStreamOptions {
  live: LiveLog;
  log: Logger;
  scope: string;
  /** What a stored event becomes on the wire; `null` sends nothing. */
  render: (event: LiveEventRecord) => Promise<{ event: string; data: unknown } | null>;
  /** Sent first on a stream opened without `Last-Event-ID` (the state to start from). */
  initial?: () => Promise<{ event: string; data: unknown }>;
  /** The credential's expiry: the stream ends then (on the live log's clock, which signed visitor tokens too). */
  endAt?: Date;
  /** Every heartbeat (e.g. renewing the agent's presence). */
  onBeat?: () => Promise<void>;
  /** `expired`: ended at `endAt` (the client reconnects with a fresh credential at once). */
  onClose?: (expired: boolean) => void;
  heartbeatMs?: number;
}

/** `Last-Event-ID`: a live log's sequence number. Anything else counts as absent (a fresh start). */
function lastEventId(req: Request): number | null {
  const header = req.headers['last-event-id'];
  return typeof header === 'string' && /^\d{1,15}$/.test(header) ? Number(header) : null;
}

/**
 * Serves a live log as Server-Sent Events: resumed after `Last-Event-ID` (read from the database, so nothing is lost or
 * doubled), then followed as events arrive, with a heartbeat comment and a re-read at every beat. Each stream reads and
 * writes on its own: a slow client only fills its own buffer, and is dropped past `MAX_BUFFERED_BYTES`.
 */
export async function serveLiveStream(req: Request, res: Response, options: LiveStreamOptions): Promise<void> {
  const asked = lastEventId(req);
  const resumeFrom = asked === null ? null : await options.live.resumeAfter(options.scope, asked);
  const after = resumeFrom ?? (await options.live.head(options.scope));
  const first = resumeFrom === null && options.initial ? await options.initial() : null;
  const heartbeatMs = options.heartbeatMs ?? LIVE_HEARTBEAT_MS;
  const stream = openEventStream(res, heartbeatMs);
  if (first) stream.send(first.event, first.data, after);

  const follower = await options.live.follow(options.scope, after, async (event) => {
    if (stream.closed) return;
    const out = await options.render(event);
    if (out) stream.send(out.event, out.data, event.seq);
    if (stream.buffered > MAX_BUFFERED_BYTES) stream.end();
  });
  const beat = setInterval(() => {
    void follower.poll();
    options.onBeat?.().catch((error: unknown) => options.log.warn({ err: error }, 'Live stream heartbeat failed'));
  }, heartbeatMs);
  beat.unref();
  let expired = false;
  const expiry = options.endAt
    ? setTimeout(
        () => {
          expired = true;
          stream.end();
        },
        Math.max(0, Math.min(options.endAt.getTime() - options.live.now().getTime(), 2 ** 31 - 1)),
      )
    : undefined;
  expiry?.unref();
  const close = () => {
    clearInterval(beat);
    clearTimeout(expiry);
    follower.stop();
    options.onClose?.(expired);
  };
  if (stream.closed) close();
  else res.on('close', close);
}
