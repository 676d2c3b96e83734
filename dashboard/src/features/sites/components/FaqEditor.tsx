import type { FaqEntry } from '../../../../../contract/index.js';
import { FieldRefusal, type RefusedFields, refusedAria } from '../../../components/RefusedField.js';

/** Question/answer pairs the offline assistant answers from (and Gemini gets as knowledge). */
export function FaqEditor({
  entries,
  refused,
  onChange,
}: {
  entries: FaqEntry[];
  refused: RefusedFields;
  onChange: (entries: FaqEntry[]) => void;
}) {
  const update = (index: number, patch: Partial<FaqEntry>) =>
    onChange(entries.map((entry, n) => (n === index ? { ...entry, ...patch } : entry)));
  return (
    <div className="faq">
      {entries.length === 0 && <p className="muted">No entries yet.</p>}
      <ol className="faq-list">
        {entries.map((entry, n) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: entries have no id; position is their identity while editing
          <li key={n} className="faq-entry">
            <div className="field">
              <label htmlFor={`faq-q-${n}`}>Question {n + 1}</label>
              <input
                id={`faq-q-${n}`}
                value={entry.question}
                maxLength={500}
                {...refusedAria(refused, `faq.${n}.question`, `faq-q-${n}`)}
                onChange={(e) => update(n, { question: e.target.value })}
              />
              <FieldRefusal refused={refused} path={`faq.${n}.question`} id={`faq-q-${n}`} />
            </div>
            <div className="field">
              <label htmlFor={`faq-a-${n}`}>Answer {n + 1}</label>
              <textarea
                id={`faq-a-${n}`}
                value={entry.answer}
                rows={3}
                maxLength={4000}
                {...refusedAria(refused, `faq.${n}.answer`, `faq-a-${n}`)}
                onChange={(e) => update(n, { answer: e.target.value })}
              />
              <FieldRefusal refused={refused} path={`faq.${n}.answer`} id={`faq-a-${n}`} />
            </div>
            <button type="button" className="link-button" onClick={() => onChange(entries.filter((_, m) => m !== n))}>
              Remove question {n + 1}
            </button>
          </li>
        ))}
      </ol>
      <button type="button" onClick={() => onChange([...entries, { question: '', answer: '' }])}>
        Add question
      </button>
    </div>
  );
}
