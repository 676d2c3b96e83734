import { useId, useState } from 'react';
import type { UnansweredGroup } from '../../../../../contract/index.js';
import { Confirm } from '../../../components/Confirm.js';
import { ErrorState, ProblemList } from '../../../components/States.js';
import { formatDateTime } from '../../../lib/format.js';
import { Link } from '../../../lib/router/Link.js';
import { useAnswerUnanswered, useDismissUnanswered } from '../api/dismissUnanswered.js';
import { draftToCreate, emptySourceDraft, validateSourceDraft } from '../sourceDraft.js';

const times = (n: number) => (n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`);

/** One group of alike questions: how often, why, examples; "Add answer" and "Dismiss" for admins. */
export function UnansweredGroupRow({
  group,
  canEdit,
  onDone,
}: {
  group: UnansweredGroup;
  canEdit: boolean;
  onDone: (said: string) => void;
}) {
  const [mode, setMode] = useState<'idle' | 'answer' | 'dismiss'>('idle');
  const titleId = useId();
  const dismiss = useDismissUnanswered(group.siteId);
  return (
    <li className="row unanswered-row" aria-labelledby={titleId}>
      <div className="row-main">
        <h3 id={titleId} className="unanswered-question">
          {group.question}
        </h3>
        <div className="row-meta">
          <span>Asked {times(group.count)}</span>
          {group.notGrounded > 0 && <span>{group.notGrounded} not answered from the knowledge</span>}
          {group.thumbsDown > 0 && <span>{group.thumbsDown} rated down</span>}
          <span>Last asked {formatDateTime(group.lastSeenAt)}</span>
        </div>
        <details>
          <summary>Examples and answers given</summary>
          <ul className="unanswered-examples">
            {group.examples.map((example) => (
              <li key={`${example.conversationId}-${example.askedAt}`}>
                <p>
                  <Link to={`/conversations/${example.conversationId}`}>{example.question}</Link>{' '}
                  <span className="muted">({formatDateTime(example.askedAt)})</span>
                </p>
                <p className="muted">Answer given: {example.answer}</p>
              </li>
            ))}
          </ul>
        </details>
        {canEdit && mode === 'answer' && (
          <AddAnswer
            group={group}
            onCancel={() => setMode('idle')}
            onAdded={(title) => onDone(`The answer “${title}” was added; the assistant uses it once it is synced.`)}
          />
        )}
        {canEdit && mode === 'dismiss' && (
          <Confirm
            message={`Take “${group.question}” off the list? Its conversations stay as they are.`}
            confirmLabel="Yes, dismiss"
            busyLabel="Dismissing…"
            busy={dismiss.isPending}
            onConfirm={() => dismiss.mutate(group.answerIds, { onSuccess: () => onDone(`“${group.question}” was dismissed.`) })}
            onCancel={() => setMode('idle')}
          />
        )}
        {dismiss.isError && <ErrorState error={dismiss.error} title="Could not dismiss" />}
      </div>
      {canEdit && mode === 'idle' && (
        <div className="row-actions">
          <button type="button" className="primary" onClick={() => setMode('answer')}>
            Add answer
          </button>
          <button type="button" onClick={() => setMode('dismiss')}>
            Dismiss
          </button>
        </div>
      )}
    </li>
  );
}

/** The answer, as a text source titled with the question (checked against the contract before it is sent). */
function AddAnswer({
  group,
  onCancel,
  onAdded,
}: {
  group: UnansweredGroup;
  onCancel: () => void;
  onAdded: (title: string) => void;
}) {
  const [title, setTitle] = useState(group.question.slice(0, 200));
  const [text, setText] = useState('');
  const [problems, setProblems] = useState<string[]>([]);
  const answer = useAnswerUnanswered(group.siteId);
  const id = useId();
  return (
    <form
      className="card add-answer"
      aria-label={`Answer “${group.question}”`}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const draft = { ...emptySourceDraft(), kind: 'text' as const, title, text };
        const found = validateSourceDraft(draft);
        setProblems(found);
        if (found.length) return;
        answer.mutate(
          { source: draftToCreate(draft), answerIds: group.answerIds },
          { onSuccess: (source) => onAdded(source.title) },
        );
      }}
    >
      <div className="field">
        <label htmlFor={`${id}-title`}>Title</label>
        <input id={`${id}-title`} value={title} onChange={(e) => setTitle(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-text`}>Answer</label>
        <textarea
          id={`${id}-text`}
          rows={5}
          value={text}
          aria-describedby={`${id}-help`}
          onChange={(e) => setText(e.target.value)}
        />
        <small id={`${id}-help`}>
          Added to the site’s knowledge as a text snippet: the assistant answers this question from it.
        </small>
      </div>
      <ProblemList problems={problems} />
      {answer.isError && <ErrorState error={answer.error} title="Could not add the answer" />}
      <div className="row-actions add-source-actions">
        <button type="submit" className="primary" disabled={answer.isPending}>
          {answer.isPending ? 'Saving…' : 'Save answer'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
