import { isApiError } from '../../../contract/ApiError.js';
import type { FieldError } from '../../../contract/fieldErrors.js';

/** What the server refused in a request's body (`details.fields` of its ApiError), found by a field's path. */
export interface RefusedFields {
  /** The refusal of `path` or of a part of it (`allowedOrigins` finds `allowedOrigins.2`), if any. */
  of: (path: string) => FieldError | undefined;
}

/** The body fields a failed request named; none for any other error (or none yet). */
export function refusedFields(error: unknown): RefusedFields {
  const fields = isApiError(error) ? error.fields.filter((field) => field.in === 'body') : [];
  return { of: (path) => fields.find((field) => field.path === path || field.path.startsWith(`${path}.`)) };
}

const messageId = (id: string) => `${id}-refused`;

/**
 * An input's ARIA for a field the server may have refused: `aria-invalid`, and described by the refusal (beside the
 * field's help text, if any). Spread on the input whose `id` is given; `FieldRefusal` shows the message.
 */
export function refusedAria(refused: RefusedFields, path: string, id: string, help?: string) {
  const refusal = refused.of(path);
  const describedBy = [refusal && messageId(id), help].filter(Boolean).join(' ');
  return { 'aria-invalid': refusal ? true : undefined, 'aria-describedby': describedBy || undefined };
}

/** The server's message for a refused field, next to it (the input refers to it with `refusedAria`). */
export function FieldRefusal({ refused, path, id }: { refused: RefusedFields; path: string; id: string }) {
  const refusal = refused.of(path);
  if (!refusal) return null;
  return (
    <small id={messageId(id)} className="field-refused">
      {refusal.message}
    </small>
  );
}
