import { Types } from 'mongoose';
import type { Models } from '../db/models/index.js';
import type { JobClaimDoc, JobDoc } from '../db/models/job.js';
import { oid } from './cursor.js';
import { isDuplicateKey } from './writeErrors.js';

/** A job as the domain sees it: the stored document with a string id (the document's comments say what each field is). */
export type JobRecord = Omit<JobDoc, '_id' | 'updatedAt'> & {
  id: string;
};

export interface NewJob {
  type: string;
  /** Jobs with the same key are one job; a random key when absent. */
  key?: string;
  tenantId?: string | null;
  payload?: Record<string, unknown>;
  runAt?: Date;
  maxAttempts?: number;
  everyMs?: number | null;
}

/** "Nobody holds it": a lease that expired long ago. */
const FREE = new Date(0);

const toJob = (doc: JobDoc): JobRecord => ({
  id: String(doc._id),
  type: doc.type,
  key: doc.key,
  tenantId: doc.tenantId ?? null,
  payload: doc.payload ?? {},
  status: doc.status,
  runAt: doc.runAt,
  leaseOwner: doc.leaseOwner ?? null,
  leaseUntil: doc.leaseUntil,
  attempts: doc.attempts,
  maxAttempts: doc.maxAttempts,
  claims: doc.claims,
  runs: doc.runs ?? 0,
  everyMs: doc.everyMs ?? null,
  progress: doc.progress ?? null,
  lastError: doc.lastError ?? null,
  finishedAt: doc.finishedAt ?? null,
  createdAt: doc.createdAt,
});

/** A claimed job's writes match its claim number: a worker whose lease was taken over changes nothing. */
const held = (job: Pick<JobRecord, 'id' | 'claims'>) => ({ _id: oid(job.id), claims: job.claims });
const claimId = (job: Pick<JobRecord, 'id' | 'claims'>) => `${job.id}:${job.claims}`;
const runId = (job: Pick<JobRecord, 'id' | 'runs'>) => `${job.id}:run:${job.runs}`;
/** Claims and run markers older than this many numbers are deleted: no late write is that late. */
const KEEP = 20;

/** The job after the run it was claimed for ended with `outcome` at `at`; a recurring job is queued for its next run. */
function afterRun(job: JobRecord, outcome: 'done' | 'dead', at: Date) {
  const free = { leaseOwner: null, leaseUntil: FREE, runs: job.runs + 1 };
  return job.everyMs
    ? { ...free, status: 'queued', runAt: new Date(at.getTime() + job.everyMs), attempts: 0, progress: null }
    : { ...free, status: outcome, finishedAt: at };
}

const newJobDoc = (input: NewJob, now: Date) => ({
  type: input.type,
  key: input.key ?? `job:${new Types.ObjectId()}`,
  tenantId: input.tenantId ?? null,
  payload: input.payload ?? {},
  status: 'queued' as const,
  runAt: input.runAt ?? now,
  leaseUntil: FREE,
  maxAttempts: input.maxAttempts ?? 5,
  everyMs: input.everyMs ?? null,
});

export function jobRepository({ Job, JobClaim }: Models) {
  async function finish(job: JobRecord, owner: string, outcome: 'done' | 'dead', at: Date, error: string | null) {
    try {
      await JobClaim.create({ _id: runId(job), owner, at, outcome });
    } catch (cause) {
      if (!isDuplicateKey(cause)) throw cause;
    }
    const lastError = error ? { lastError: error } : {};
    // Asked to run now while this run was going (it may have read its work before the request): queued again at once.
    // Each update is conditional on the flag, so a request landing between the two is not lost.
    for (let tries = 0; tries < 2; tries++) {
      const again = await Job.updateOne(
        { ...held(job), again: true },
        {
          $set: {
            ...afterRun({ ...job, everyMs: null }, outcome, at),
            status: 'queued',
            runAt: at,
            attempts: 0,
            finishedAt: null,
            progress: null,
            again: false,
            ...lastError,
          },
        },
      );
      if (again.matchedCount === 1) break;
      const ended = await Job.updateOne(
        { ...held(job), again: { $ne: true } },
        { $set: { ...afterRun(job, outcome, at), ...lastError } },
      );
      if (ended.matchedCount === 1) break;
    }
    const old = [`${job.id}:${job.claims - KEEP}`, `${job.id}:run:${job.runs - KEEP}`];
    await JobClaim.deleteMany({ _id: { $in: old } });
  }

  return {
    /** Queues a job, or returns the existing one with the same key. */
    async enqueue(input: NewJob, now = new Date()): Promise<JobRecord> {
      const fields = newJobDoc(input, now);
      const key = fields.key;
      try {
        const doc = await Job.create(fields);
        return toJob(doc.toObject());
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        const existing = await Job.findOne({ key }).lean<JobDoc>();
        if (!existing) throw error;
        return toJob(existing);
      }
    },
    /** Queues new jobs in one insert (keys not used before, such as one event's deliveries). */
    async enqueueMany(inputs: NewJob[], now = new Date()): Promise<void> {
      if (inputs.length) await Job.insertMany(inputs.map((input) => newJobDoc(input, now)));
    },
    /** Forgets finished jobs of a type that ended before `before` (frequent small jobs, e.g. webhook deliveries). */
    async pruneFinished(type: string, before: Date): Promise<number> {
      const result = await Job.deleteMany({ type, status: { $in: ['done', 'dead'] }, finishedAt: { $lt: before } });
      return result.deletedCount;
    },
    async findById(id: string): Promise<JobRecord | null> {
      const doc = await Job.findById(oid(id)).lean<JobDoc>();
      return doc ? toJob(doc) : null;
    },
    async findForTenant(tenantId: string, id: string): Promise<JobRecord | null> {
      const doc = await Job.findOne({ _id: oid(id), tenantId }).lean<JobDoc>();
      return doc ? toJob(doc) : null;
    },
    /**
     * Claims the runnable job due first for `owner` until `now + leaseMs`. `lost` when another instance claimed it at
     * the same moment (the caller may try again at once).
     */
    async claim(owner: string, now: Date, leaseMs: number): Promise<JobRecord | 'lost' | null> {
      const doc = await Job.findOneAndUpdate(
        { status: { $in: ['queued', 'running'] }, runAt: { $lte: now }, leaseUntil: { $lte: now } },
        {
          $set: { status: 'running', leaseOwner: owner, leaseUntil: new Date(now.getTime() + leaseMs) },
          $inc: { attempts: 1, claims: 1 },
        },
        { sort: { runAt: 1 }, returnDocument: 'after' },
      ).lean<JobDoc>();
      if (!doc) return null;
      const job = toJob(doc);
      let won = true;
      try {
        await JobClaim.create({ _id: claimId(job), owner, at: now });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        won = false;
      }
      // Our write (a lost claim's) or another late one may have revived a run that had finished: put the job back
      // as that run left it.
      const finished = await JobClaim.findById(runId(job)).lean<JobClaimDoc>();
      if (finished?.outcome) {
        await Job.updateOne(held(job), { $set: afterRun(job, finished.outcome, finished.at) });
        return 'lost';
      }
      return won ? job : 'lost';
    },
    /** Extends the lease; `false` when the job is no longer held under this claim. */
    async renew(job: JobRecord, until: Date): Promise<boolean> {
      const result = await Job.updateOne({ ...held(job), status: 'running' }, { $set: { leaseUntil: until } });
      return result.matchedCount === 1;
    },
    async setProgress(job: JobRecord, progress: Record<string, unknown>): Promise<void> {
      await Job.updateOne(held(job), { $set: { progress } });
    },
    /** Done; a recurring job is queued again for its next run. */
    complete: (job: JobRecord, owner: string, now: Date) => finish(job, owner, 'done', now, null),
    /** A failed attempt: queued again at `retryAt`, or dead (a recurring job waits for its next run instead). */
    async fail(job: JobRecord, owner: string, error: string, now: Date, retryAt: Date | null): Promise<void> {
      const message = error.slice(0, 500);
      if (!retryAt) return finish(job, owner, 'dead', now, message);
      await Job.updateOne(held(job), {
        $set: { status: 'queued', runAt: retryAt, lastError: message, leaseOwner: null, leaseUntil: FREE },
      });
    },
    /**
     * Runs a keyed job again now: a finished or waiting one is queued for `now` (a recurring job then keeps its
     * period from this run), a running one is queued again as soon as its run ends. `false` when it does not exist.
     */
    async runNow(key: string, now: Date): Promise<boolean> {
      const result = await Job.updateOne(
        { key, status: { $in: ['queued', 'done', 'dead'] } },
        { $set: { status: 'queued', runAt: now, attempts: 0, leaseOwner: null, leaseUntil: FREE, finishedAt: null } },
      );
      if (result.matchedCount === 1) return true;
      // A run in progress may have read its work before this request: it is queued again as soon as it ends.
      const running = await Job.updateOne({ key, status: 'running' }, { $set: { again: true } });
      return running.matchedCount === 1;
    },
    /** Forgets a keyed job (what it worked on is gone); a run in progress finds its work gone and stops. */
    /** The jobs about these conversations (e.g. handoff reminders), when they are erased. */
    async deleteForConversations(tenantId: string, conversationIds: string[]): Promise<void> {
      if (conversationIds.length) await Job.deleteMany({ tenantId, 'payload.conversationId': { $in: conversationIds } });
    },
    async deleteByKey(key: string): Promise<void> {
      await Job.deleteOne({ key });
    },
    /** Gives a job back without counting the attempt (the instance is stopping). */
    async release(job: JobRecord): Promise<void> {
      await Job.updateOne(held(job), {
        $set: { status: 'queued', attempts: Math.max(0, job.attempts - 1), leaseOwner: null, leaseUntil: FREE },
      });
    },
  };
}
export type JobRepository = ReturnType<typeof jobRepository>;
