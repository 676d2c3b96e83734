import { useRef, useState } from 'react';
import { MAX_KNOWLEDGE_FILE_BYTES, MAX_WEBSITE_PAGES } from '../../../../../contract/limits.js';
import { FieldRefusal, refusedAria, refusedFields } from '../../../components/RefusedField.js';
import { ErrorState, ProblemList } from '../../../components/States.js';
import { formatBytes } from '../../../lib/format.js';
import { useAddSource } from '../api/addSource.js';
import { useUploadSourceFile } from '../api/uploadSourceFile.js';
import {
  draftToCreate,
  emptySourceDraft,
  KNOWLEDGE_FILE_ACCEPT,
  type SourceDraft,
  type SourceKind,
  validateSourceDraft,
} from '../sourceDraft.js';

const KINDS: { kind: SourceKind; label: string; help: string }[] = [
  { kind: 'url', label: 'A page', help: 'One web page, read as it is now.' },
  { kind: 'website', label: 'A website', help: 'Crawled from this page, following links on the same site.' },
  { kind: 'sitemap', label: 'A sitemap', help: 'Every page a sitemap (or sitemap index) lists.' },
  {
    kind: 'file',
    label: 'A file',
    help: `PDF, Word (.docx), HTML, Markdown or text, up to ${formatBytes(MAX_KNOWLEDGE_FILE_BYTES)}.`,
  },
  { kind: 'text', label: 'A text snippet', help: 'Something the assistant should know, typed in.' },
];

/** Adds a source of any kind; checked against the contract first, the server's refusal shown as it says it. */
export function AddSourceForm({ siteId, onAdded }: { siteId: string; onAdded: (title: string) => void }) {
  const [draft, setDraft] = useState<SourceDraft>(emptySourceDraft);
  const [problems, setProblems] = useState<string[]>([]);
  const add = useAddSource(siteId);
  const upload = useUploadSourceFile(siteId);
  const fileInput = useRef<HTMLInputElement>(null);
  const busy = add.isPending || upload.isPending;
  const failed = draft.kind === 'file' ? upload : add;
  const refused = refusedFields(failed.error);
  const set = <K extends keyof SourceDraft>(key: K, value: SourceDraft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  const done = (title: string) => {
    setDraft((d) => ({ ...emptySourceDraft(), kind: d.kind }));
    if (fileInput.current) fileInput.current.value = '';
    onAdded(title);
  };
  const submit = () => {
    const found = validateSourceDraft(draft);
    setProblems(found);
    if (found.length) return;
    add.reset();
    upload.reset();
    if (draft.kind === 'file' && draft.file) {
      const title = draft.title.trim() || undefined;
      upload.mutate({ file: draft.file, filename: draft.file.name, title }, { onSuccess: (source) => done(source.title) });
    } else add.mutate(draftToCreate(draft), { onSuccess: (source) => done(source.title) });
  };
  const help = KINDS.find((k) => k.kind === draft.kind)?.help;
  const isWeb = draft.kind === 'url' || draft.kind === 'website' || draft.kind === 'sitemap';

  return (
    <form
      className="card add-source"
      aria-labelledby="add-source-title"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <h2 id="add-source-title">Add a source</h2>
      <div className="field">
        <label htmlFor="source-kind">Kind</label>
        <select
          id="source-kind"
          value={draft.kind}
          aria-describedby="source-kind-help"
          onChange={(e) => {
            setProblems([]);
            set('kind', KINDS.find((k) => k.kind === e.target.value)?.kind ?? 'url');
          }}
        >
          {KINDS.map((k) => (
            <option key={k.kind} value={k.kind}>
              {k.label}
            </option>
          ))}
        </select>
        <small id="source-kind-help">{help}</small>
      </div>
      {isWeb && (
        <div className="field-row">
          <div className="field field-grow">
            <label htmlFor="source-url">Address</label>
            <input
              id="source-url"
              type="url"
              inputMode="url"
              value={draft.url}
              placeholder={draft.kind === 'sitemap' ? 'https://example.com/sitemap.xml' : 'https://example.com/help'}
              {...refusedAria(refused, 'url', 'source-url')}
              onChange={(e) => set('url', e.target.value)}
            />
            <FieldRefusal refused={refused} path="url" id="source-url" />
          </div>
          {draft.kind === 'website' && (
            <div className="field">
              <label htmlFor="source-max-pages">Pages at most</label>
              <input
                id="source-max-pages"
                type="number"
                min={1}
                max={MAX_WEBSITE_PAGES}
                value={draft.maxPages}
                {...refusedAria(refused, 'maxPages', 'source-max-pages')}
                onChange={(e) => set('maxPages', e.target.value)}
              />
              <FieldRefusal refused={refused} path="maxPages" id="source-max-pages" />
            </div>
          )}
        </div>
      )}
      {draft.kind === 'file' && (
        <div className="field">
          <label htmlFor="source-file">File</label>
          <input
            id="source-file"
            ref={fileInput}
            type="file"
            accept={KNOWLEDGE_FILE_ACCEPT}
            onChange={(e) => set('file', e.target.files?.[0] ?? null)}
          />
        </div>
      )}
      {(draft.kind === 'text' || draft.kind === 'file') && (
        <div className="field">
          <label htmlFor="source-title">{draft.kind === 'file' ? 'Title (optional)' : 'Title'}</label>
          <input
            id="source-title"
            value={draft.title}
            maxLength={200}
            placeholder={draft.kind === 'file' ? 'The file name' : 'Opening hours'}
            {...refusedAria(refused, 'title', 'source-title')}
            onChange={(e) => set('title', e.target.value)}
          />
          <FieldRefusal refused={refused} path="title" id="source-title" />
        </div>
      )}
      {draft.kind === 'text' && (
        <div className="field">
          <label htmlFor="source-text">Text</label>
          <textarea
            id="source-text"
            rows={6}
            value={draft.text}
            {...refusedAria(refused, 'text', 'source-text')}
            onChange={(e) => set('text', e.target.value)}
          />
          <FieldRefusal refused={refused} path="text" id="source-text" />
        </div>
      )}
      <ProblemList problems={problems} />
      {failed.isError && <ErrorState error={failed.error} title="Could not add the source" />}
      <div className="add-source-actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Adding…' : draft.kind === 'file' ? 'Upload' : 'Add source'}
        </button>
      </div>
    </form>
  );
}
