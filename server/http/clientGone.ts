import type { Response } from 'express';

/** Aborts when the client goes away before the response ended (a closed tab, a cancelled download). */
export function clientGone(res: Response): AbortSignal {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}
