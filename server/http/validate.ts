import type { z } from 'zod';
import { AppError } from '../lib/AppError.js';

/** Parses a request part with its schema; failures are 400 with the issues listed. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'params'): z.output<S> {
  const result = schema.safeParse(value ?? (where === 'body' ? undefined : {}));
  if (result.success) return result.data;
  const issues = result.error.issues.slice(0, 20).map((issue) => ({
    path: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  const first = issues[0];
  throw new AppError(400, 'invalid_request', first ? `Invalid ${first.path}: ${first.message}` : `Invalid ${where}`, {
    details: issues,
  });
}
