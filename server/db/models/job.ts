import { Schema, type Types } from 'mongoose';

export type JobStatus = 'queued' | 'running' | 'done' | 'dead';

/**
 * Background work (docs/jobs.md). A job is runnable when it is queued or running with an expired lease, and
 * `runAt` has come; `leaseUntil` is the epoch while nobody holds it, so one range serves both cases.
 */
export interface JobDoc {
  _id: Types.ObjectId;
  type: string;
  /** Unique: a second enqueue with the same key finds the first job (e.g. one deletion per site, one sweep). */
  key: string;
  /** Whose data the job touches, for admin reads; `null` for system work such as sweeps. */
  tenantId: string | null;
  payload: Record<string, unknown>;
  status: JobStatus;
  runAt: Date;
  leaseOwner: string | null;
  leaseUntil: Date;
  /** Attempts of the current run (reset when a recurring job is rescheduled). */
  attempts: number;
  maxAttempts: number;
  /** Every claim ever made, so each claim has its own `JobClaim` id. */
  claims: number;
  /** Finished runs (a recurring job runs many times); each finished run leaves a `JobClaim` marker. */
  runs: number;
  /** A recurring job is queued again this long after each run. */
  everyMs: number | null;
  progress: Record<string, unknown> | null;
  lastError: string | null;
  finishedAt: Date | null;
  /** Asked to run now while a run was in progress (`runNow`): queued again as soon as that run ends. */
  again?: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export const jobSchema = new Schema<JobDoc>(
  {
    type: { type: String, required: true },
    key: { type: String, required: true, unique: true },
    tenantId: { type: String, default: null },
    payload: { type: Schema.Types.Mixed, default: {} },
    status: { type: String, enum: ['queued', 'running', 'done', 'dead'], required: true },
    runAt: { type: Date, required: true },
    leaseOwner: { type: String, default: null },
    leaseUntil: { type: Date, required: true },
    attempts: { type: Number, default: 0 },
    maxAttempts: { type: Number, required: true },
    claims: { type: Number, default: 0 },
    runs: { type: Number, default: 0 },
    everyMs: { type: Number, default: null },
    progress: { type: Schema.Types.Mixed, default: null },
    lastError: { type: String, default: null },
    finishedAt: { type: Date, default: null },
    again: { type: Boolean, default: false },
  },
  { timestamps: true, versionKey: false, minimize: false },
);
// The claim: runnable statuses, oldest `runAt` first, lease expired.
jobSchema.index({ status: 1, runAt: 1, leaseUntil: 1 });
// The jobs about a conversation (reminders), removed with it.
jobSchema.index({ tenantId: 1, 'payload.conversationId': 1 });
// Pruning a type's finished jobs (webhook deliveries).
jobSchema.index({ type: 1, status: 1, finishedAt: 1 });

/**
 * Updates are not atomic on the embedded database (an update reads, then writes: two instances can both read a job
 * as free and both write it, and a late write can undo a newer one), so the truth is kept in inserts, whose unique
 * `_id` both databases enforce. `<jobId>:<claim number>`: the instance that inserts it holds that claim.
 * `<jobId>:run:<run number>`: that run finished (`outcome`), so a job revived by a late write is not run again.
 */
export interface JobClaimDoc {
  _id: string;
  owner: string;
  at: Date;
  outcome: 'done' | 'dead' | null;
}

export const jobClaimSchema = new Schema<JobClaimDoc>(
  {
    _id: { type: String, required: true },
    owner: { type: String, required: true },
    at: { type: Date, required: true },
    outcome: { type: String, default: null },
  },
  { versionKey: false },
);
