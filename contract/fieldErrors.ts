import { z } from 'zod';

/**
 * Why a field was refused, stable for clients to branch on (the message is for people). The request's schema says
 * `required`, `invalid_type`, the `too_*` bounds, `invalid_email`, `invalid_url`, `invalid_format` (another pattern or
 * format), `invalid_value` (not one of the allowed values), `unknown_field` (a property or query parameter the route
 * does not take) or `invalid`; a well-formed value the site's setting does not take is `not_asked` (a field its form
 * does not ask for) or `required`.
 */
export const FieldErrorCode = z.enum([
  'required',
  'invalid_type',
  'too_short',
  'too_long',
  'too_small',
  'too_large',
  'too_few',
  'too_many',
  'invalid_email',
  'invalid_url',
  'invalid_format',
  'invalid_value',
  'unknown_field',
  'not_asked',
  'invalid',
]);
export type FieldErrorCode = z.infer<typeof FieldErrorCode>;

/** One refused field: where it was sent, its dotted path there (`email`, `look.accentColor`, `faq.0.question`; empty for the whole part), why. */
export const FieldError = z
  .object({
    in: z.enum(['body', 'query', 'params']),
    path: z.string(),
    code: FieldErrorCode,
    message: z.string(),
  })
  .meta({ id: 'FieldError' });
export type FieldError = z.infer<typeof FieldError>;

/**
 * An error's `details`: on a refused request (400 `invalid_request`, and the 422s of values a setting does not take)
 * `fields` lists what was refused (at most 20); other errors may carry facts of their own (a fetched `url`, its `status`).
 */
export const ErrorDetails = z
  .looseObject({ fields: z.array(FieldError).max(20).optional() })
  .meta({ description: 'On a refused request, `fields` names each refused field with a stable code' });
export type ErrorDetails = z.infer<typeof ErrorDetails>;
