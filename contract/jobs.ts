import { z } from 'zod';
import { Id, Timestamp } from './common.js';

export const JobStatus = z.enum(['queued', 'running', 'done', 'dead']);
export type JobStatus = z.infer<typeof JobStatus>;

/** Background work an admin started (a site deletion), as its progress is read. */
export const Job = z.object({
  id: Id,
  type: z.string(),
  status: JobStatus,
  /** Counts of what is done so far, e.g. `{conversations, messages, images, visitors}` deleted. */
  progress: z.record(z.string(), z.number()).nullable(),
  attempts: z.number().int(),
  /** The last failure, when an attempt failed. */
  error: z.string().nullable(),
  createdAt: Timestamp,
  finishedAt: Timestamp.nullable(),
});
export type Job = z.infer<typeof Job>;
