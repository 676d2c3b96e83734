import { keywordIndex } from '../../knowledge/retrieval/keywordIndex.js';
import type { Passage } from '../../knowledge/retrieval/Passage.js';
import { MIN_COVERAGE } from '../../knowledge/retrieval/siteIndex.js';

export interface AskedItem {
  question: string;
}

/**
 * Groups questions that ask the same thing, with the retrieval's own keyword index (BM25 with its tokenizer, stop
 * words, plural and typo matching): two questions are alike when each covers half the other's meaningful words, the
 * rule by which a passage matches a question. Each group forms around its first question, in the order given (newest
 * first), and takes only questions alike to that one, so a chain of small overlaps never joins unrelated questions.
 */
export function groupQuestions<T extends AskedItem>(items: T[]): T[][] {
  const passages: Passage[] = items.map((item, n) => ({
    id: String(n),
    sourceId: '',
    title: '',
    url: null,
    page: null,
    headingPath: [],
    text: item.question,
    embedding: null,
  }));
  const index = keywordIndex(passages);
  // How much of question i each other question covers.
  const coverage = items.map(
    (item) => new Map(index.find(item.question, items.length).map((hit) => [hit.position, hit.coverage])),
  );
  const alike = (i: number, j: number) =>
    (coverage[i]?.get(j) ?? 0) >= MIN_COVERAGE && (coverage[j]?.get(i) ?? 0) >= MIN_COVERAGE;

  const grouped = new Set<number>();
  const groups: T[][] = [];
  items.forEach((_item, i) => {
    if (grouped.has(i)) return;
    grouped.add(i);
    const members = [i];
    for (const j of coverage[i]?.keys() ?? [])
      if (!grouped.has(j) && alike(i, j)) {
        grouped.add(j);
        members.push(j);
      }
    groups.push(members.sort((a, b) => a - b).map((k) => items[k] as T));
  });
  return groups;
}
