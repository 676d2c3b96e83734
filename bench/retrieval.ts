import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { Passage } from '../server/knowledge/retrieval/Passage.js';
import { siteIndex } from '../server/knowledge/retrieval/siteIndex.js';
import { type VectorHit, vectorIndex } from '../server/knowledge/retrieval/vectorIndex.js';
import { fakeEmbedding } from '../server/test/fakeEmbedding.js';
import { checkoutBaseline } from './lib/baselineCheckout.js';
import { machine, ms, percentile, table } from './lib/stats.js';
import { type IngestionFigures, ingestionFigures } from './retrievalIngestion.js';

/**
 * Retrieval quality and speed (`npm run bench:retrieval`): a corpus of help pages written for it
 * (`bench/retrieval/corpus/`), labelled questions (question → expected page) and a held-out set; hit@1, hit@5 and MRR
 * for keyword and hybrid retrieval, and search latency at 1k and 10k chunks beside the baseline's code (another commit,
 * `BENCH_BASELINE`, checked out for the run). Hybrid runs on the fake embeddings of the tests (a hashed bag of words): it
 * checks the fusion plumbing, not the quality real Gemini embeddings would give. `BENCH_RETRIEVAL_INGESTION=0` skips
 * the ingestion figures (the real server on the embedded database).
 */

/** main before issue 15's speed work: the vector scan on WebAssembly SIMD, keyword scores precomputed per word. */
const DEFAULT_BASELINE = '6b5668a';

const here = join(import.meta.dirname, 'retrieval');
const DIMENSIONS = 768;

/** A page split along its `##` sections, each chunk with the page title and its heading (as the chunker does). */
function chunksOf(slug: string, markdown: string): Passage[] {
  const [first, ...sections] = markdown.split(/^## /m);
  const title = (first ?? '').replace(/^# /, '').trim();
  return sections.map((section, n) => {
    const [heading = '', ...lines] = section.split('\n');
    const text = lines.join('\n').trim();
    return {
      id: `${slug}#${n}`,
      sourceId: 'bench',
      title,
      url: `https://docs.example/${slug}`,
      page: null,
      headingPath: [heading.trim()],
      text,
      embedding: fakeEmbedding(`${title} ${heading} ${text}`, DIMENSIONS),
    };
  });
}

const pages = readdirSync(join(here, 'corpus'))
  .filter((file) => file.endsWith('.md'))
  .map((file) => ({ slug: file.replace(/\.md$/, ''), markdown: readFileSync(join(here, 'corpus', file), 'utf8') }));
const corpus = pages.flatMap((page) => chunksOf(page.slug, page.markdown));
const questions = JSON.parse(readFileSync(join(here, 'questions.json'), 'utf8')) as Record<
  'labelled' | 'heldOut',
  { q: string; page: string }[]
>;

type Mode = 'keyword' | 'hybrid';
function quality(build: typeof siteIndex, passages: Passage[], set: { q: string; page: string }[], mode: Mode) {
  const index = build(passages);
  let hit1 = 0;
  let hit5 = 0;
  let reciprocal = 0;
  const misses: string[] = [];
  for (const { q, page } of set) {
    const found = index.search(q, { limit: 5, queryVector: mode === 'hybrid' ? fakeEmbedding(q, DIMENSIONS) : null });
    const rank = found.findIndex((item) => item.passage.id.startsWith(`${page}#`));
    if (rank === 0) hit1++;
    if (rank >= 0) {
      hit5++;
      reciprocal += 1 / (rank + 1);
    } else misses.push(`${q} → ${found[0]?.passage.id ?? 'nothing'} (expected ${page})`);
  }
  const n = set.length;
  return { questions: n, hit1: hit1 / n, hit5: hit5 / n, mrr: reciprocal / n, misses };
}

/**
 * Synthetic chunks of ~120 words: a quarter from the corpus's own words, the rest from 30,000 made-up words drawn with
 * a Zipf distribution, as words are in real text (a few very common, most rare).
 */
function synthetic(count: number): Passage[] {
  const words = corpus.flatMap((p) => p.text.split(/\s+/)).filter(Boolean);
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const VOCABULARY = 30_000;
  const zipf = () => `w${Math.floor(VOCABULARY ** random())}x`;
  return Array.from({ length: count }, (_, i) => {
    const text = Array.from({ length: 120 }, () => (random() < 0.25 ? words[Math.floor(random() * words.length)] : zipf())).join(
      ' ',
    );
    return {
      id: `s${i}`,
      sourceId: 'synthetic',
      title: `Synthetic page ${i}`,
      url: null,
      page: null,
      headingPath: [`Section ${i % 13}`],
      text,
      embedding: fakeEmbedding(text, DIMENSIONS),
    };
  });
}

type VectorIndexOf = (embeddings: (number[] | null)[]) => { nearest(query: number[], limit: number): VectorHit[] };
const baselineRef = process.env.BENCH_BASELINE ?? DEFAULT_BASELINE;
const baseline = checkoutBaseline(baselineRef);
const baselineCode = {
  siteIndex: (await import(join(baseline.dir, 'server/knowledge/retrieval/siteIndex.ts'))).siteIndex as typeof siteIndex,
  vectorIndex: (await import(join(baseline.dir, 'server/knowledge/retrieval/vectorIndex.ts'))).vectorIndex as VectorIndexOf,
};

const allQuestions = [...questions.labelled, ...questions.heldOut];
const figures = (values: number[]) => ({ p50: percentile(values, 50), p95: percentile(values, 95) });

/**
 * Search times at `size` passages, ours against the baseline's code over the same passages, question by question
 * (which one goes first alternates by round) so both see the same load; and whether both rank the same 20 passages.
 */
function latency(size: number) {
  const passages = [...corpus, ...synthetic(size - corpus.length)];
  const indexes = { baseline: baselineCode.siteIndex(passages), ours: siteIndex(passages) };
  const times = {
    keyword: { baseline: [] as number[], ours: [] as number[] },
    hybrid: { baseline: [] as number[], ours: [] as number[] },
  };
  const sameRanking = { keyword: { questions: 0, same: 0 }, hybrid: { questions: 0, same: 0 } };
  for (let round = 0; round < 5; round++) {
    const order = round % 2 ? (['ours', 'baseline'] as const) : (['baseline', 'ours'] as const);
    for (const { q } of allQuestions)
      for (const mode of ['keyword', 'hybrid'] as const) {
        const vector = mode === 'hybrid' ? fakeEmbedding(q, DIMENSIONS) : null;
        const ranked = { baseline: '', ours: '' };
        for (const code of order) {
          const started = performance.now();
          const found = indexes[code].search(q, { limit: 20, queryVector: vector });
          const elapsed = performance.now() - started;
          if (round > 0) times[mode][code].push(elapsed);
          ranked[code] = found.map((item) => item.passage.id).join(' ');
        }
        if (round === 0) {
          sameRanking[mode].questions++;
          if (ranked.baseline === ranked.ours) sameRanking[mode].same++;
        }
      }
  }
  return {
    chunks: size,
    keyword: { baseline: figures(times.keyword.baseline), ours: figures(times.keyword.ours) },
    hybrid: { baseline: figures(times.hybrid.baseline), ours: figures(times.hybrid.ours) },
    sameRanking,
  };
}

/**
 * Vector search alone at `size` passages (the best 50 by cosine over 768 dimensions): ours with WebAssembly SIMD and
 * with its scalar fallback, against the baseline's, in turn for each question in the same process.
 */
function vectorScan(size: number) {
  const embeddings = [...corpus, ...synthetic(size - corpus.length)].map((p) => p.embedding as number[]);
  const scans = {
    baseline: baselineCode.vectorIndex(embeddings),
    simd: vectorIndex(embeddings, 'simd'),
    scalar: vectorIndex(embeddings, 'scalar'),
  };
  const times = { baseline: [] as number[], simd: [] as number[], scalar: [] as number[] };
  for (let round = 0; round < 4; round++)
    for (const { q } of allQuestions) {
      const vector = fakeEmbedding(q, DIMENSIONS);
      for (const code of ['baseline', 'simd', 'scalar'] as const) {
        const started = performance.now();
        scans[code].nearest(vector, 50);
        if (round > 0) times[code].push(performance.now() - started);
      }
    }
  return { chunks: size, baseline: figures(times.baseline), simd: figures(times.simd), scalar: figures(times.scalar) };
}

/** hit@k and MRR of ours and of the baseline's code on the corpus. */
const scored = (set: 'labelled' | 'heldOut', mode: Mode) => ({
  ...quality(siteIndex, corpus, questions[set], mode),
  baseline: quality(baselineCode.siteIndex, corpus, questions[set], mode),
});

const loadBefore = loadavg()[0] as number;
let measured: {
  latency: ReturnType<typeof latency>[];
  vectorScan: ReturnType<typeof vectorScan>;
  ingestion: IngestionFigures[];
};
try {
  measured = {
    latency: [latency(1000), latency(10_000)],
    vectorScan: vectorScan(10_000),
    ingestion: process.env.BENCH_RETRIEVAL_INGESTION === '0' ? [] : await ingestionFigures(pages),
  };
} finally {
  baseline.remove();
}
const results = {
  machine: await machine(),
  baseline: baselineRef,
  corpus: { pages: new Set(corpus.map((p) => p.id.split('#')[0])).size, chunks: corpus.length },
  quality: {
    labelled: { keyword: scored('labelled', 'keyword'), hybrid: scored('labelled', 'hybrid') },
    heldOut: { keyword: scored('heldOut', 'keyword'), hybrid: scored('heldOut', 'hybrid') },
  },
  ...measured,
  loadAverage: { before: loadBefore, after: loadavg()[0] as number },
};

const pct = (value: number) => value.toFixed(2);
console.log(`Corpus: ${results.corpus.pages} pages, ${results.corpus.chunks} chunks\n`);
const rows = [['question set', 'mode', 'questions', 'hit@1', 'hit@5 (goal ≥ 0.90)', 'MRR', 'baseline hit@1', 'hit@5', 'MRR']];
for (const set of ['labelled', 'heldOut'] as const)
  for (const mode of ['keyword', 'hybrid'] as const) {
    const r = results.quality[set][mode];
    rows.push([
      set,
      mode === 'hybrid' ? 'hybrid (fake embeddings)' : mode,
      String(r.questions),
      pct(r.hit1),
      pct(r.hit5),
      pct(r.mrr),
      pct(r.baseline.hit1),
      pct(r.baseline.hit5),
      pct(r.baseline.mrr),
    ]);
  }
console.log(table(rows));
console.log('Hybrid runs on fake embeddings (a hashed bag of words): it checks the fusion plumbing, not real quality.\n');
console.log(
  table([
    [
      'chunks',
      'mode',
      `baseline ${baselineRef} p50`,
      'p95',
      'ours p50',
      'p95 (goal ≤ 20 ms)',
      'same top 20 as baseline (questions)',
    ],
    ...results.latency.flatMap((l) =>
      (['keyword', 'hybrid'] as const).map((mode) => [
        String(l.chunks),
        mode,
        ms(l[mode].baseline.p50),
        ms(l[mode].baseline.p95),
        ms(l[mode].ours.p50),
        ms(l[mode].ours.p95),
        `${l.sameRanking[mode].same} of ${l.sameRanking[mode].questions}`,
      ]),
    ),
  ]),
);
const scan = results.vectorScan;
console.log(
  `Vector search alone at ${scan.chunks} chunks × ${DIMENSIONS} dimensions (best 50), p50 / p95: ours ` +
    `${ms(scan.simd.p50)} / ${ms(scan.simd.p95)} (WebAssembly SIMD: 8-bit pass, exact re-scoring), its scalar fallback ` +
    `${ms(scan.scalar.p50)} / ${ms(scan.scalar.p95)}, baseline ${ms(scan.baseline.p50)} / ${ms(scan.baseline.p95)}.`,
);
for (const set of ['labelled', 'heldOut'] as const) {
  const misses = results.quality[set].keyword.misses;
  if (misses.length) console.log(`\nKeyword misses (${set}):\n${misses.map((m) => `  ${m}`).join('\n')}`);
}
if (results.ingestion.length)
  console.log(
    `\n${table([
      ['ingestion (real routes, job queue, embedded database)', 'mode', 'pages', 'passages', 'ready in', 'pages/s'],
      ...results.ingestion.flatMap((i) => [
        ['30-page PDF upload (goal ≤ 30 s)', i.mode, String(i.pdf.pages), String(i.pdf.chunks), ms(i.pdf.readyMs), '-'],
        [
          'local website by its sitemap',
          i.mode,
          String(i.site.pages),
          String(i.site.chunks),
          ms(i.site.readyMs),
          i.site.pagesPerSecond.toFixed(0),
        ],
      ]),
    ])}`,
  );
console.log(
  `\nLoad average (1 min) ${results.loadAverage.before.toFixed(1)} before, ${results.loadAverage.after.toFixed(1)} after, ` +
    `on ${results.machine.cores} cores: figures on a shared machine vary with it.`,
);
await mkdir(join(import.meta.dirname, 'results'), { recursive: true });
await writeFile(join(import.meta.dirname, 'results', 'retrieval.json'), `${JSON.stringify(results, null, 2)}\n`);
