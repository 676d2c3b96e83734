import { randomBytes } from 'node:crypto';
import { loadConfig } from '../server/config.js';
import { createServer } from '../server/createServer.js';
import { pingDatabase } from '../server/db/database.js';
import { GENEROUS_LIMITS } from '../server/http/middleware/rateLimits.js';
import { createLogger } from '../server/lib/logger.js';
import { startFakeGemini } from '../server/test/fakeGemini.js';
import { makePdf } from '../server/test/knowledgeFiles.js';
import { startLocalSite } from '../server/test/localSite.js';
import { openBenchDatabase } from './lib/benchDatabase.js';

/** A corpus page: its slug and Markdown. */
export interface CorpusPage {
  slug: string;
  markdown: string;
}

export interface IngestionFigures {
  mode: 'keyword' | 'hybrid (fake embeddings)';
  pdf: { pages: number; chunks: number; readyMs: number };
  site: { pages: number; chunks: number; readyMs: number; pagesPerSecond: number };
}

const plain = (markdown: string) => markdown.replace(/^#+\s*/gm, '');
const html = (page: CorpusPage, copy: number) =>
  `<!doctype html><html><head><title>${page.slug} ${copy}</title></head><body><nav><a href="/">Home</a></nav><main>` +
  page.markdown
    .split(/\n\n+/)
    .map((block) => {
      const heading = /^(#+)\s*(.*)$/.exec(block);
      return heading ? `<h${heading[1]?.length}>${heading[2]}</h${heading[1]?.length}>` : `<p>${block}</p>`;
    })
    .join('') +
  `<p>Page ${copy} of the ${page.slug} guide.</p></main><footer>© Example</footer></body></html>`;

/**
 * Time to ready through the real routes and job queue, on the embedded database: a 30-page PDF uploaded (made here
 * with pdfkit: one corpus page per PDF page, padded to about 350 words as a manual's page is) and a local website
 * read from its sitemap (`copies` × the corpus pages, served on 127.0.0.1), each polled until `ready`. Once without a
 * Gemini key (keyword retrieval) and once with the Gemini fake, so the embeddings step runs (the fake answers at once:
 * real Gemini adds one round trip per 100 new passages).
 */
export async function ingestionFigures(corpus: CorpusPage[], copies = 4): Promise<IngestionFigures[]> {
  const db = await openBenchDatabase('retrieval');
  const gemini = await startFakeGemini();
  const routes: Parameters<typeof startLocalSite>[0] = {};
  const site = await startLocalSite(routes);
  const paths = corpus.flatMap((page) =>
    Array.from({ length: copies }, (_, copy) => ({ page, copy, path: `/${page.slug}/${copy}` })),
  );
  for (const { page, copy, path } of paths)
    routes[path] = (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html(page, copy));
  routes['/sitemap.xml'] = (_req, res) =>
    res
      .writeHead(200, { 'content-type': 'application/xml' })
      .end(
        `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${paths.map((p) => `<url><loc>${site.origin}${p.path}</loc></url>`).join('')}</urlset>`,
      );
  const filler = corpus.flatMap((page) => plain(page.markdown).split(/\s+/));
  const pdf = await makePdf(
    corpus.slice(0, 30).map((page, n) => {
      const words = plain(page.markdown).split(/\s+/);
      while (words.length < 350) words.push(filler[(words.length * 7 + n) % filler.length] as string);
      return words.join(' ');
    }),
  );

  const figures: IngestionFigures[] = [];
  try {
    for (const hybrid of [false, true]) {
      const env: Record<string, string> = {
        DATA_DIR: db.dataDir,
        LOG_LEVEL: 'silent',
        PORT: '0',
        ADMIN_TOKEN: randomBytes(24).toString('hex'),
        KNOWLEDGE_ALLOW_PRIVATE_HOSTS: 'true',
        // The polite default (2 requests/s per host) would measure the pacing, not the pipeline.
        KNOWLEDGE_CRAWL_RATE: '50',
        ...(hybrid ? { GEMINI_API_KEY: gemini.apiKey, GEMINI_BASE_URL: gemini.url } : {}),
      };
      const server = await createServer(loadConfig(env), {
        database: { connection: db.connection, ping: (timeoutMs) => pingDatabase(db.connection, timeoutMs) },
        log: createLogger('silent'),
        rateLimits: GENEROUS_LIMITS,
        staticDirs: null,
        demoSite: false,
        jobs: { pollMs: 25 },
      });
      const { url } = await server.listen();
      const admin = (path: string, init: RequestInit = {}) =>
        fetch(url + path, { ...init, headers: { ...init.headers, authorization: `Bearer ${env.ADMIN_TOKEN}` } }).then(
          async (res) => {
            if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
            return res.json() as Promise<{ id: string; status: string; pages: number; chunks: number; error: unknown }>;
          },
        );
      const timed = async (siteId: string, create: () => Promise<{ id: string }>) => {
        const started = performance.now();
        const { id } = await create();
        for (;;) {
          const source = await admin(`/v1/admin/sources/${id}`);
          if (source.status === 'failed') throw new Error(`ingestion failed: ${JSON.stringify(source.error)}`);
          if (source.status === 'ready') return { ...source, readyMs: performance.now() - started, siteId };
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      };
      try {
        const { id: siteId } = await admin('/v1/admin/sites', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: `Ingestion ${hybrid ? 'hybrid' : 'keyword'}` }),
        });
        const file = await timed(siteId, () => {
          const form = new FormData();
          form.append('file', new Blob([new Uint8Array(pdf)], { type: 'application/pdf' }), 'manual.pdf');
          return admin(`/v1/admin/sites/${siteId}/sources/files`, { method: 'POST', body: form });
        });
        const crawl = await timed(siteId, () =>
          admin(`/v1/admin/sites/${siteId}/sources`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ type: 'sitemap', url: `${site.origin}/sitemap.xml` }),
          }),
        );
        figures.push({
          mode: hybrid ? 'hybrid (fake embeddings)' : 'keyword',
          pdf: { pages: file.pages, chunks: file.chunks, readyMs: file.readyMs },
          site: {
            pages: crawl.pages,
            chunks: crawl.chunks,
            readyMs: crawl.readyMs,
            pagesPerSecond: crawl.pages / (crawl.readyMs / 1000),
          },
        });
      } finally {
        await server.stop(1000);
      }
    }
  } finally {
    await site.close();
    await gemini.close();
    await db.stop();
  }
  return figures;
}
