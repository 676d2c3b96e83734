import { pipeline } from 'node:stream/promises';
import express, { type Router } from 'express';
import type { z } from 'zod';
import { type ExportedConversation, ExportQuery } from '../../../contract/exports.js';
import { EXPORT_MEDIA_TYPES, exportStream } from '../../domain/exports/exportFormats.js';
import type { Logger } from '../../lib/logger.js';
import { clientGone } from '../clientGone.js';
import { adminOf } from '../middleware/adminAuth.js';
import { parse } from '../validate.js';

/** The first batch is read before the headers go: a failure then is still a JSON error, not a cut file. */
async function started<T>(items: AsyncIterable<T>): Promise<AsyncIterable<T>> {
  const iterator = items[Symbol.asyncIterator]();
  const first = await iterator.next();
  return (async function* () {
    if (first.done) return;
    yield first.value;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  })();
}

/** The conversations an admin may list, as a file (members may too: it is the list they read, in one piece). */
export function exportRoutes(deps: {
  exportConversations: (
    tenantId: string,
    query: z.output<typeof ExportQuery>,
    options: { signal: AbortSignal },
  ) => AsyncIterable<ExportedConversation>;
  log: Logger;
}): Router {
  const router = express.Router();
  router.get('/exports/conversations', async (req, res) => {
    const query = parse(ExportQuery, req.query, 'query');
    const tenantId = adminOf(res).tenantId;
    // A client that leaves ends the export: no further read starts, none in flight is waited for.
    const signal = clientGone(res);
    let conversations: AsyncIterable<ExportedConversation>;
    try {
      conversations = await started(deps.exportConversations(tenantId, query, { signal }));
    } catch (error) {
      if (signal.aborted) return; // gone before the first batch: there is no one to answer
      throw error;
    }
    const day = new Date().toISOString().slice(0, 10);
    res.setHeader('Content-Type', EXPORT_MEDIA_TYPES[query.format]);
    res.setHeader('Content-Disposition', `attachment; filename="conversations-${day}.${query.format}"`);
    // Sent now: a failure from here on ends the download visibly cut (no closing chunk), never a short file that looks whole.
    res.flushHeaders();
    try {
      await pipeline(exportStream(query.format, conversations), res);
    } catch (error) {
      // The headers are gone: the client sees a cut file (the JSON unclosed, the CSV short); the cause is logged.
      if (!signal.aborted && (error as { code?: string }).code !== 'ERR_STREAM_PREMATURE_CLOSE')
        deps.log.error({ err: error, tenantId }, 'Export failed midway');
    }
  });
  return router;
}
