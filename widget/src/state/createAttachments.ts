import { effect, type Signal, signal } from '@preact/signals';
import { ApiError, isAbort } from '../api/ApiError.js';
import { uploadImage } from '../api/uploadImage.js';
import type { ChatDeps } from './ChatDeps.js';
import { checkImage } from './checkImage.js';
import type { SessionState } from './createSessionState.js';
import { type Notice, reportError } from './notice.js';

export interface Attachment {
  key: string;
  name: string;
  previewUrl: string;
  progress: number;
  status: 'uploading' | 'done' | 'error';
  imageId: string | null;
}

/** Images picked for the next message: checked, uploaded at once with progress, removable until sent. */
export function createAttachments(
  deps: ChatDeps,
  session: SessionState,
  conversationId: Signal<string | null>,
  notice: Signal<Notice | null>,
  newId: () => string,
) {
  const attachments = signal<Attachment[]>([]);
  const uploads = new Map<string, AbortController>();

  function attach(files: Iterable<File>): void {
    for (const file of files) {
      const problem = checkImage(file, attachments.value.length);
      if (problem) {
        notice.value = problem;
        continue;
      }
      const key = newId();
      const ac = new AbortController();
      uploads.set(key, ac);
      const patch = (p: Partial<Attachment>) => {
        attachments.value = attachments.value.map((a) => (a.key === key ? { ...a, ...p } : a));
      };
      const previewUrl = deps.previewUrl?.(file) ?? '';
      attachments.value = [
        ...attachments.value,
        { key, name: file.name, previewUrl, progress: 0, status: 'uploading', imageId: null },
      ];
      const upload = () => uploadImage(session.ctx, file, conversationId.value, (progress) => patch({ progress }), ac.signal);
      session.authed(upload).then(
        (ref) => patch({ status: 'done', progress: 1, imageId: ref.id }),
        (error) => {
          if (isAbort(error)) return;
          patch({ status: 'error' });
          notice.value =
            error instanceof ApiError && error.status === 413
              ? 'imageSize'
              : error?.status === 415
                ? 'imageType'
                : 'uploadFailed';
          reportError(deps.emit, error);
        },
      );
    }
  }

  function detach(key: string): void {
    uploads.get(key)?.abort();
    uploads.delete(key);
    attachments.value = attachments.value.filter((a) => a.key !== key);
  }

  // Disposal stops the uploads in flight.
  effect(() => () => {
    for (const ac of uploads.values()) ac.abort();
  });

  return {
    attachments,
    attach,
    detach,
  };
}

export type Attachments = ReturnType<typeof createAttachments>;
