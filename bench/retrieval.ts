import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { Passage } from '../server/knowledge/retrieval/Passage.js';
import { siteIndex } from '../server/knowledge/retrieval/siteIndex.js';
import { normalize, vectorIndex } from '../server/knowledge/retrieval/vectorIndex.js';
import { fakeEmbedding } from '../server/test/fakeEmbedding.js';
import { machine, ms, percentile, table } from './lib/stats.js';
import { ingestionFigures } from './retrievalIngestion.js';

/**
 * Retrieval quality and speed (`npm run bench:retrieval`): a corpus of help pages written for it
 * (`bench/retrieval/corpus/`), labelled questions (question → expected page) and a held-out set; hit@1, hit@5 and MRR
 * for keyword and hybrid retrieval, and search latency at 1k and 10k chunks. Hybrid runs on the fake embeddings of the
 * tests (a hashed bag of words): it checks the fusion plumbing, not the quality real Gemini embeddings would give.
 */

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
function quality(passages: Passage[], set: { q: string; page: string }[], mode: Mode) {
  const index = siteIndex(passages);
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

function latency(size: number, mode: Mode) {
  const index = siteIndex([...corpus, ...synthetic(size - corpus.length)]);
  const all = [...questions.labelled, ...questions.heldOut];
  const times: number[] = [];
  for (let round = 0; round < 4; round++) {
    for (const { q } of all) {
      const vector = mode === 'hybrid' ? fakeEmbedding(q, DIMENSIONS) : null;
      const started = performance.now();
      index.search(q, { limit: 20, queryVector: vector });
      if (round > 0) times.push(performance.now() - started);
    }
  }
  return { chunks: size, mode, p50: percentile(times, 50), p95: percentile(times, 95) };
}

/**
 * The vector scan alone at `size` chunks: the index's (four running sums) against the one-sum loop it replaced, run
 * alternately in the same process so both see the same load.
 */
function vectorScan(size: number) {
  const embeddings = [...corpus, ...synthetic(size - corpus.length)].map((p) => p.embedding as number[]);
  const index = vectorIndex(embeddings);
  const matrix = new Float32Array(embeddings.length * DIMENSIONS);
  for (const [row, e] of embeddings.entries()) matrix.set(normalize(e), row * DIMENSIONS);
  const oneSum = (query: Float32Array) => {
    const scores = new Float32Array(embeddings.length);
    for (let row = 0; row < embeddings.length; row++) {
      let dot = 0;
      for (let i = 0; i < DIMENSIONS; i++) dot += (query[i] as number) * (matrix[row * DIMENSIONS + i] as number);
      scores[row] = dot;
    }
    return scores;
  };
  const times = { before: [] as number[], now: [] as number[] };
  for (let round = 0; round < 3; round++)
    for (const { q } of [...questions.labelled, ...questions.heldOut]) {
      const vector = fakeEmbedding(q, DIMENSIONS);
      let started = performance.now();
      oneSum(normalize(vector));
      if (round > 0) times.before.push(performance.now() - started);
      started = performance.now();
      index.nearest(vector, 50);
      if (round > 0) times.now.push(performance.now() - started);
    }
  return { chunks: size, before: percentile(times.before, 50), now: percentile(times.now, 50) };
}

const loadBefore = loadavg()[0] as number;
const results = {
  machine: await machine(),
  corpus: { pages: new Set(corpus.map((p) => p.id.split('#')[0])).size, chunks: corpus.length },
  quality: {
    labelled: { keyword: quality(corpus, questions.labelled, 'keyword'), hybrid: quality(corpus, questions.labelled, 'hybrid') },
    heldOut: { keyword: quality(corpus, questions.heldOut, 'keyword'), hybrid: quality(corpus, questions.heldOut, 'hybrid') },
  },
  latency: [latency(1000, 'keyword'), latency(1000, 'hybrid'), latency(10_000, 'keyword'), latency(10_000, 'hybrid')],
  vectorScan: vectorScan(10_000),
  ingestion: await ingestionFigures(pages),
  loadAverage: { before: loadBefore, after: loadavg()[0] as number },
};

const pct = (value: number) => value.toFixed(2);
console.log(`Corpus: ${results.corpus.pages} pages, ${results.corpus.chunks} chunks\n`);
const rows = [['question set', 'mode', 'questions', 'hit@1', 'hit@5 (goal ≥ 0.90)', 'MRR']];
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
    ]);
  }
console.log(table(rows));
console.log('Hybrid runs on fake embeddings (a hashed bag of words): it checks the fusion plumbing, not real quality.\n');
console.log(
  table([
    ['chunks', 'mode', 'p50', 'p95 (goal ≤ 20 ms)'],
    ...results.latency.map((l) => [String(l.chunks), l.mode, ms(l.p50), ms(l.p95)]),
  ]),
);
console.log(
  `Vector scan alone at ${results.vectorScan.chunks} chunks × ${DIMENSIONS} dimensions, p50: ` +
    `${ms(results.vectorScan.now)} (one running sum, as before: ${ms(results.vectorScan.before)}).`,
);
for (const set of ['labelled', 'heldOut'] as const) {
  const misses = results.quality[set].keyword.misses;
  if (misses.length) console.log(`\nKeyword misses (${set}):\n${misses.map((m) => `  ${m}`).join('\n')}`);
}
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
