import type { z } from 'zod';
import type { FieldError, FieldErrorCode } from '../../contract/fieldErrors.js';
import { invalidFields } from '../lib/AppError.js';

type Issue = z.core.$ZodIssue;

/** The value a path points at in what was sent (`undefined` when it is not there). */
const at = (value: unknown, path: PropertyKey[]): unknown =>
  path.reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as never)[key] : undefined), value);

const BOUND_CODES: Record<string, [tooSmall: FieldErrorCode, tooBig: FieldErrorCode]> = {
  string: ['too_short', 'too_long'],
  array: ['too_few', 'too_many'],
  set: ['too_few', 'too_many'],
};

/** The stable code of a zod issue at `path` of what was sent (`contract/fieldErrors.ts`). */
function codeOf(issue: Issue, sent: unknown, path: PropertyKey[]): FieldErrorCode {
  switch (issue.code) {
    case 'invalid_type':
      return at(sent, path) === undefined ? 'required' : 'invalid_type';
    case 'too_small':
      return BOUND_CODES[issue.origin]?.[0] ?? 'too_small';
    case 'too_big':
      return BOUND_CODES[issue.origin]?.[1] ?? 'too_large';
    case 'invalid_format':
      return issue.format === 'email' ? 'invalid_email' : issue.format === 'url' ? 'invalid_url' : 'invalid_format';
    case 'invalid_value':
      return 'invalid_value';
    case 'invalid_union':
      // A discriminator that names no branch (`type: "bogus"`).
      return issue.errors.length === 0 ? 'invalid_value' : 'invalid';
    default:
      return 'invalid';
  }
}

/**
 * A zod issue as the fields it refuses: one per unknown property; for a value no branch of a union takes, the fields of
 * the branch that came closest (fewest issues, the first on a tie); else the one its path names. A union's issues have
 * paths relative to the union (`under`).
 */
function fieldsOf(issue: Issue, where: FieldError['in'], sent: unknown, under: PropertyKey[] = []): FieldError[] {
  const full = [...under, ...issue.path];
  const dotted = (keys: PropertyKey[]) => keys.map(String).join('.');
  if (issue.code === 'unrecognized_keys')
    return issue.keys.map((key) => ({ in: where, path: dotted([...full, key]), code: 'unknown_field', message: issue.message }));
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const closest = issue.errors.reduce((best, branch) => (branch.length < best.length ? branch : best));
    return closest.flatMap((inner) => fieldsOf(inner, where, sent, full));
  }
  return [{ in: where, path: dotted(full), code: codeOf(issue, sent, full), message: issue.message }];
}

/** Parses a request part with its schema; failures are 400 `invalid_request` naming each refused field (at most 20). */
export function parse<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'params'): z.output<S> {
  const sent = value ?? (where === 'body' ? undefined : {});
  const result = schema.safeParse(sent);
  if (result.success) return result.data;
  const fields = result.error.issues.flatMap((issue) => fieldsOf(issue, where, sent)).slice(0, 20);
  throw invalidFields(400, 'invalid_request', fields);
}
