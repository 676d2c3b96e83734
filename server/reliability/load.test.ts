import { afterAll, describe, expect, it } from 'vitest';
import type { Message } from '../../contract/messages.js';
import { reportFigures } from '../test/reliability/figures.js';
import { PAGE_ORIGIN } from '../test/reliability/seedTenant.js';
import { GENEROUS_LIMITS, startTestApp } from '../test/testApp.js';

/**
 * 500 simulated visitors × 5 messages over loopback against the offline provider, 50 at a time: no
 * errors, and the database holds exactly what was acknowledged (a `message` event per question, a
 * `done` per answer).
 */

const VISITORS = 500;
const MESSAGES_EACH = 5;
const CONCURRENCY = 50;

const app = await startTestApp(import.meta.url, { rateLimits: GENEROUS_LIMITS });
afterAll(() => app.close());

const site = await app.createSite({
  name: 'Load',
  allowedOrigins: [PAGE_ORIGIN],
  faq: [
    { question: 'What are your opening hours?', answer: 'We are open nine to five, Monday to Friday.' },
    { question: 'Do you ship abroad?', answer: 'Yes, to most countries within a week.' },
  ],
});
const questions = ['What are your opening hours?', 'Do you ship abroad?', 'Something unrelated', 'Hours on Friday?', 'Shipping?'];

describe('load', () => {
  it(`${VISITORS} visitors × ${MESSAGES_EACH} messages: 0 errors, stored == acknowledged`, async () => {
    const errors: string[] = [];
    const acknowledged = { questions: 0, answers: 0 };
    const latencies: number[] = [];
    let next = 0;

    async function visitor(i: number) {
      const v = await app.startVisitor(site.publicKey);
      const conversation = await v.newConversation();
      for (let m = 0; m < MESSAGES_EACH; m++) {
        const started = performance.now();
        const { res, events } = await v.send(conversation.id, questions[m % questions.length] as string, `v${i}-m${m}`);
        latencies.push(performance.now() - started);
        if (res.status !== 200) {
          errors.push(`visitor ${i} message ${m}: ${res.status}`);
          continue;
        }
        if (events[0]?.event === 'message') acknowledged.questions++;
        const last = events.at(-1);
        if (last?.event === 'done' && (last.data as Message).status === 'complete') acknowledged.answers++;
        else errors.push(`visitor ${i} message ${m}: ended with ${last?.event} ${JSON.stringify(last?.data).slice(0, 120)}`);
      }
    }

    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = next++; i < VISITORS; i = next++) {
          await visitor(i).catch((error: Error) => errors.push(`visitor ${i}: ${error.message}`));
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;

    const storedQuestions = await app.models.Message.countDocuments({ role: 'user' });
    const storedAnswers = await app.models.Message.countDocuments({ role: 'assistant', status: 'complete' });
    const conversations = await app.models.Conversation.countDocuments({});
    latencies.sort((a, b) => a - b);
    const p = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);

    reportFigures('load', {
      visitors: VISITORS,
      messagesEach: MESSAGES_EACH,
      concurrency: CONCURRENCY,
      sends: latencies.length,
      errors: errors.length,
      acknowledgedQuestions: acknowledged.questions,
      storedQuestions,
      acknowledgedAnswers: acknowledged.answers,
      storedAnswers,
      // Acknowledged but not in the database.
      messagesLost: Math.max(0, acknowledged.questions - storedQuestions) + Math.max(0, acknowledged.answers - storedAnswers),
      seconds: Math.round(seconds * 10) / 10,
      sendsPerSecond: Math.round(latencies.length / seconds),
      p50Ms: p(0.5),
      p95Ms: p(0.95),
      p99Ms: p(0.99),
    });

    expect(errors.slice(0, 10)).toEqual([]);
    expect(acknowledged.questions).toBe(VISITORS * MESSAGES_EACH);
    expect(storedQuestions).toBe(acknowledged.questions);
    expect(storedAnswers).toBe(acknowledged.answers);
    expect(conversations).toBe(VISITORS);
    // The conversation counters agree with the messages (no lost update under concurrency).
    const counts = await app.models.Conversation.find({}, { messageCount: 1 }).lean();
    expect(counts.every((c) => c.messageCount === MESSAGES_EACH * 2)).toBe(true);
  }, 420_000);
});
