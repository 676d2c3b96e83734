import type { Response } from 'express';
import type { ChatEvent } from '../domain/chat/chatEvents.js';
import type { Logger } from '../lib/logger.js';
import { clientGone } from './clientGone.js';
import { errorBody, toAppError } from './errorHandler.js';
import { requestPath } from './middleware/requestLog.js';
import { openEventStream } from './sse.js';

/**
 * Runs a chat generator as an event stream. Errors before the first event are ordinary JSON errors
 * (thrown to Express); afterwards they become an `error` event. When the client goes away the
 * model call is aborted, and the generator still runs to its end so the answer is stored `stopped`.
 */
export async function streamChat(
  res: Response,
  log: Logger,
  start: (signal: AbortSignal) => AsyncGenerator<ChatEvent>,
): Promise<void> {
  const events = start(clientGone(res));
  const first = await events.next();
  const stream = openEventStream(res);
  try {
    if (!first.done) stream.send(first.value.event, first.value.data);
    for await (const event of events) stream.send(event.event, event.data);
  } catch (error) {
    // The answer's own failures are events, not exceptions: this is the database or a bug.
    const appError = toAppError(error);
    log.error({ err: error, code: appError.code, path: requestPath(res.req) }, 'Chat stream failed after it started');
    stream.send('error', errorBody(appError));
  } finally {
    stream.end();
  }
}
