import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ErrorBody } from '../../contract/common.js';
import { ErasureRequest } from '../../contract/dataRemoval.js';
import { FieldErrorCode } from '../../contract/fieldErrors.js';
import { SourceCreate } from '../../contract/knowledge.js';
import { LeadRequest } from '../../contract/leads.js';
import { AppError } from '../lib/AppError.js';
import { errorBody } from './errorHandler.js';
import { parse } from './validate.js';

/** The refusal `parse` throws, as the error handler would answer it. */
function refusal(schema: z.ZodType, value: unknown, where: 'body' | 'query' | 'params' = 'body') {
  try {
    parse(schema, value, where);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return { status: (error as AppError).status, ...ErrorBody.parse(errorBody(error as AppError)).error };
  }
  throw new Error('parse accepted the value');
}

const Everything = z.strictObject({
  name: z.string().min(2).max(5),
  email: z.email(),
  site: z.url(),
  color: z.string().regex(/^#[0-9a-f]{6}$/),
  count: z.number().int().min(1).max(3),
  tags: z.array(z.string()).min(1).max(2),
  kind: z.enum(['a', 'b']),
  even: z.number().refine((n) => n % 2 === 0, 'must be even'),
  flag: z.boolean(),
});

describe('refused requests name each field with a stable code (details.fields)', () => {
  it('maps every kind of zod issue to its documented code', () => {
    const { status, code, message, details } = refusal(Everything, {
      name: 'x',
      email: 'not an email',
      site: 'nope',
      color: 'red',
      count: 9,
      tags: [],
      kind: 'c',
      even: 3,
      flag: 'yes',
      extra: 1,
      other: 2,
    });
    expect({ status, code, message }).toEqual({ status: 400, code: 'invalid_request', message: expect.any(String) });
    expect(details?.fields?.map((f) => [f.in, f.path, f.code])).toEqual([
      ['body', 'name', 'too_short'],
      ['body', 'email', 'invalid_email'],
      ['body', 'site', 'invalid_url'],
      ['body', 'color', 'invalid_format'],
      ['body', 'count', 'too_large'],
      ['body', 'tags', 'too_few'],
      ['body', 'kind', 'invalid_value'],
      ['body', 'even', 'invalid'],
      ['body', 'flag', 'invalid_type'],
      ['body', 'extra', 'unknown_field'],
      ['body', 'other', 'unknown_field'],
    ]);
    // The message names the first field, as before, for people and logs.
    expect(message).toBe(`Invalid body.name: ${details?.fields?.[0]?.message}`);
    const over = refusal(Everything.partial(), { name: 'toolong', count: 0, tags: ['a', 'b', 'c'] });
    expect(over.details?.fields?.map((f) => f.code)).toEqual(['too_long', 'too_small', 'too_many']);
  });

  it('says `required` for what is missing, and names the part and the nested path', () => {
    const missing = refusal(z.strictObject({ email: z.email(), look: z.strictObject({ color: z.string() }) }), { look: {} });
    expect(missing.details?.fields).toEqual([
      { in: 'body', path: 'email', code: 'required', message: expect.any(String) },
      { in: 'body', path: 'look.color', code: 'required', message: expect.any(String) },
    ]);
    expect(refusal(LeadRequest, undefined).details?.fields).toEqual([
      { in: 'body', path: '', code: 'required', message: expect.any(String) },
    ]);
    expect(refusal(LeadRequest, []).details?.fields?.[0]).toMatchObject({ path: '', code: 'invalid_type' });
    const query = refusal(z.strictObject({ limit: z.coerce.number().max(100) }), { limit: '500', x: '1' }, 'query');
    expect(query.message).toMatch(/^Invalid query\.limit: /);
    expect(query.details?.fields?.map((f) => [f.in, f.path, f.code])).toEqual([
      ['query', 'limit', 'too_large'],
      ['query', 'x', 'unknown_field'],
    ]);
  });

  it('names the fields of the closest branch of a union, under the union’s own path', () => {
    expect(refusal(ErasureRequest, { visitorId: 5 }).details?.fields).toEqual([
      { in: 'body', path: 'visitorId', code: 'invalid_type', message: expect.any(String) },
    ]);
    const nested = z.strictObject({ subject: z.union([z.strictObject({ id: z.string() }), z.strictObject({ n: z.number() })]) });
    expect(refusal(nested, { subject: { n: 'x' } }).details?.fields?.map((f) => [f.path, f.code])).toEqual([
      ['subject.n', 'invalid_type'],
    ]);
    // A discriminator that names no branch is itself the refused field.
    expect(refusal(SourceCreate, { type: 'bogus', url: 'https://example.com' }).details?.fields).toEqual([
      { in: 'body', path: 'type', code: 'invalid_value', message: expect.any(String) },
    ]);
  });

  it('lists at most 20 fields, each code one the contract documents', () => {
    const wide = z.strictObject(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}`, z.string()])));
    const fields = refusal(wide, {}).details?.fields ?? [];
    expect(fields).toHaveLength(20);
    for (const field of fields) expect(FieldErrorCode.options).toContain(field.code);
  });
});
