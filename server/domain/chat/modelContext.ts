import type { ChatRequest, ModelImage, ModelTurn } from '../../ai/ChatModel.js';
import type { AttachedImage, MessageRecord } from '../../data/messageRepository.js';
import type { SiteRecord } from '../../data/siteRepository.js';

/** How many messages of the conversation's window the model gets (question/answer pairs). */
const CONTEXT_TURNS = 12;
const TURN_TEXT_LIMIT = 4000;

const storedBefore = (a: MessageRecord, b: MessageRecord) =>
  a.createdAt.getTime() < b.createdAt.getTime() || (a.createdAt.getTime() === b.createdAt.getTime() && a.id < b.id);

/**
 * The model's history, from the conversation's window: the questions stored before `question` that have an answer,
 * each followed by its answer (an answer is matched by its question's clientMessageId, so a retried answer, stored
 * later, stays beside its question). `without` is an answer being retried, left out.
 */
export function contextFor(window: MessageRecord[], question: MessageRecord, without?: string): ModelTurn[] {
  const answers = new Map<string, MessageRecord>();
  for (const m of window)
    if (m.role === 'assistant' && m.clientMessageId !== null && m.id !== without) answers.set(m.clientMessageId, m);
  const turns: ModelTurn[] = [];
  for (const m of window) {
    const answered = m.role === 'user' && m.clientMessageId !== null ? answers.get(m.clientMessageId) : undefined;
    if (!answered || !storedBefore(m, question)) continue;
    turns.push(
      { role: 'user', text: m.text.slice(0, TURN_TEXT_LIMIT) },
      { role: 'assistant', text: answered.text.slice(0, TURN_TEXT_LIMIT) },
    );
  }
  return turns.slice(-CONTEXT_TURNS);
}

function systemInstruction(site: Pick<SiteRecord, 'name' | 'persona' | 'faq'>) {
  const parts = [
    `You are the assistant of the website "${site.name}", chatting with a visitor in a small chat widget.`,
    'Answer concisely in the language of the visitor. Use Markdown only for lists, emphasis, code and links.',
  ];
  if (site.persona.trim()) parts.push(site.persona.trim());
  if (site.faq.length) {
    parts.push('Facts from the site owner (prefer them when relevant):');
    for (const entry of site.faq.slice(0, 100)) parts.push(`Q: ${entry.question}\nA: ${entry.answer}`);
  }
  return parts.join('\n\n');
}

/** Everything the model is given for one answer, except the abort signal. */
export type ModelContext = Omit<ChatRequest, 'signal'>;

/**
 * The context step: what the model gets for `question` (the site's instruction and knowledge, the history from the
 * window, the question with its images downsized). Retrieval of knowledge passages belongs here, before the model call.
 */
export async function buildContext(input: {
  site: SiteRecord;
  window: MessageRecord[];
  question: MessageRecord;
  /** An answer being retried, left out of the history. */
  without?: string;
  loadModelImage: (image: AttachedImage) => Promise<ModelImage>;
}): Promise<ModelContext> {
  const { site, question } = input;
  const images = await Promise.all(question.images.map((image) => input.loadModelImage(image)));
  return {
    system: systemInstruction(site),
    history: contextFor(input.window, question, input.without),
    turn: { role: 'user', text: question.text, images },
    model: site.model,
    temperature: site.temperature,
    knowledge: site.faq,
    knowledgeKey: `${site.id}:${site.updatedAt}`,
  };
}
