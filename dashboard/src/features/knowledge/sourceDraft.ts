import { type SourceCreate, SourceCreate as SourceCreateSchema } from '../../../../contract/knowledge.js';
import { DEFAULT_WEBSITE_PAGES, MAX_KNOWLEDGE_FILE_BYTES } from '../../../../contract/limits.js';
import { formatBytes } from '../../lib/format.js';

export type SourceKind = 'url' | 'website' | 'sitemap' | 'text' | 'file';

/** What the "Add a source" form holds while it is filled in (every kind's fields, so switching kind loses nothing). */
export interface SourceDraft {
  kind: SourceKind;
  url: string;
  maxPages: string;
  title: string;
  text: string;
  file: File | null;
}

export const emptySourceDraft = (): SourceDraft => ({
  kind: 'url',
  url: '',
  maxPages: String(DEFAULT_WEBSITE_PAGES),
  title: '',
  text: '',
  file: null,
});

/** The extensions the file picker offers; the server decides the type from the bytes anyway. */
export const KNOWLEDGE_FILE_ACCEPT = '.pdf,.docx,.html,.htm,.md,.markdown,.txt';

/** The JSON body a non-file draft sends, as the contract reads it. */
export function draftToCreate(draft: SourceDraft): SourceCreate {
  const url = draft.url.trim();
  switch (draft.kind) {
    case 'website': {
      const maxPages = draft.maxPages.trim() === '' ? undefined : Number(draft.maxPages);
      return maxPages === undefined ? { type: 'website', url } : { type: 'website', url, maxPages };
    }
    case 'text':
      return { type: 'text', title: draft.title, text: draft.text };
    case 'sitemap':
      return { type: 'sitemap', url };
    default:
      return { type: 'url', url };
  }
}

const FIELD_NAMES: Record<string, string> = { url: 'Address', maxPages: 'Pages at most', title: 'Title', text: 'Text' };

/** Checks a draft against the contract (and the file limit) before anything is sent; empty when it may be sent. */
export function validateSourceDraft(draft: SourceDraft): string[] {
  if (draft.kind === 'file') {
    if (!draft.file) return ['Choose a file to upload.'];
    if (draft.file.size === 0) return ['The file is empty.'];
    if (draft.file.size > MAX_KNOWLEDGE_FILE_BYTES)
      return [`The file is ${formatBytes(draft.file.size)}; files may be at most ${formatBytes(MAX_KNOWLEDGE_FILE_BYTES)}.`];
    if (draft.title.length > 200) return ['Title: at most 200 characters.'];
    return [];
  }
  const result = SourceCreateSchema.safeParse(draftToCreate(draft));
  if (result.success) return [];
  const problems = result.error.issues.map((issue) => {
    const field = issue.path.at(-1);
    const where = typeof field === 'string' ? `${FIELD_NAMES[field] ?? field}: ` : '';
    return `${where}${issue.message}`;
  });
  // A URL can fail both its pattern and its parse with the same message.
  return [...new Set(problems)];
}
