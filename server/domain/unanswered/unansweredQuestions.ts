import type { z } from 'zod';
import type { Page } from '../../../contract/common.js';
import {
  MAX_UNANSWERED_SCAN,
  type UnansweredDismissResult,
  type UnansweredGroup,
  type UnansweredQuery,
  type UnansweredReason,
} from '../../../contract/unanswered.js';
import type { UnansweredRepository } from '../../data/unansweredRepository.js';
import { termsOf } from '../../knowledge/retrieval/terms.js';
import { badRequest } from '../../lib/AppError.js';
import type { SiteService } from '../siteService.js';
import { groupQuestions } from './groupQuestions.js';

const DAY_MS = 86_400_000;
const EXAMPLES = 3;
const ANSWER_EXCERPT = 300;

interface Item {
  answerId: string;
  conversationId: string;
  question: string;
  answer: string;
  reasons: UnansweredReason[];
  askedAt: Date;
}

/** Groups are paged by position (they are computed per request, most asked first). */
const encodeOffset = (offset: number) => Buffer.from(`o${offset}`).toString('base64url');
function decodeOffset(cursor: string | undefined): number {
  if (!cursor) return 0;
  const match = /^o(\d{1,6})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw badRequest('Invalid cursor');
  return Number(match[1]);
}

function toGroup(siteId: string, items: Item[]): UnansweredGroup {
  const newest = items[0] as Item;
  // The question asked most often (the newest among equals: items are newest first).
  const asked = new Map<string, { text: string; count: number }>();
  for (const item of items) {
    const key = item.question.trim().toLowerCase();
    const entry = asked.get(key) ?? { text: item.question.trim(), count: 0 };
    entry.count++;
    asked.set(key, entry);
  }
  const question = [...asked.values()].reduce((best, entry) => (entry.count > best.count ? entry : best)).text;
  const examples = [...asked.keys()]
    .slice(0, EXAMPLES)
    .map((key) => items.find((item) => item.question.trim().toLowerCase() === key) as Item);
  return {
    id: newest.answerId,
    siteId,
    question,
    count: items.length,
    notGrounded: items.filter((item) => item.reasons.includes('not_grounded')).length,
    thumbsDown: items.filter((item) => item.reasons.includes('thumbs_down')).length,
    examples: examples.map((item) => ({
      conversationId: item.conversationId,
      question: item.question,
      answer: item.answer.slice(0, ANSWER_EXCERPT),
      reasons: item.reasons,
      askedAt: item.askedAt.toISOString(),
    })),
    answerIds: items.map((item) => item.answerId),
    firstSeenAt: (items[items.length - 1] as Item).askedAt.toISOString(),
    lastSeenAt: newest.askedAt.toISOString(),
  };
}

/**
 * What visitors asked that the site's knowledge did not answer: answers not grounded in it (the offline provider's
 * "nothing matches" among them) and answers rated down, with their questions grouped by similarity. Questions with
 * no meaningful words (greetings, an image alone) are left out: there is nothing to add knowledge for.
 */
export function unansweredQuestions(deps: { sites: SiteService; unanswered: UnansweredRepository; now: () => Date }) {
  return {
    async list(tenantId: string, siteId: string, query: z.output<typeof UnansweredQuery>): Promise<Page<UnansweredGroup>> {
      const offset = decodeOffset(query.cursor);
      await deps.sites.get(tenantId, siteId);
      const since = new Date(deps.now().getTime() - query.days * DAY_MS);
      const answers = await deps.unanswered.listAnswers(tenantId, siteId, since, MAX_UNANSWERED_SCAN);
      const questions = await deps.unanswered.questions(
        tenantId,
        answers.map((answer) => answer.questionId),
      );
      const items: Item[] = answers.flatMap((answer) => {
        const question = questions.get(answer.questionId);
        if (!question || termsOf(question.text).length === 0) return [];
        const reasons: UnansweredReason[] = [];
        if (!answer.grounded) reasons.push('not_grounded');
        if (answer.thumbsDown) reasons.push('thumbs_down');
        return [
          {
            answerId: answer.id,
            conversationId: answer.conversationId,
            question: question.text,
            answer: answer.text,
            reasons,
            askedAt: question.createdAt,
          },
        ];
      });
      const groups = groupQuestions(items)
        .map((group) => toGroup(siteId, group))
        .sort((a, b) => b.count - a.count || b.lastSeenAt.localeCompare(a.lastSeenAt));
      const page = groups.slice(offset, offset + query.limit);
      return { items: page, nextCursor: offset + query.limit < groups.length ? encodeOffset(offset + query.limit) : null };
    },
    async dismiss(tenantId: string, siteId: string, answerIds: string[]): Promise<UnansweredDismissResult> {
      await deps.sites.get(tenantId, siteId);
      return { dismissed: await deps.unanswered.dismiss(tenantId, siteId, answerIds, deps.now()) };
    },
  };
}
export type UnansweredQuestions = ReturnType<typeof unansweredQuestions>;
