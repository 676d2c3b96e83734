import compression from 'compression';
import type { RequestHandler } from 'express';

/** Answers smaller than this gain less than the `Content-Encoding` costs. */
const THRESHOLD_BYTES = 1024;

/**
 * Compresses the API's JSON answers (br or gzip, as the client accepts). Event streams are excluded by name, not only
 * by their `no-transform`: a compressor holds each delta in its buffer until enough text arrives, so tokens would
 * reach the visitor in lumps. Images are compressed already.
 */
export function compressApi(): RequestHandler {
  return compression({
    threshold: THRESHOLD_BYTES,
    filter: (req, res) => {
      const type = String(res.getHeader('Content-Type') ?? '');
      if (type.startsWith('text/event-stream') || type.startsWith('image/')) return false;
      return compression.filter(req, res);
    },
  });
}
