import type { JobRecord, JobRepository, NewJob } from '../../data/jobRepository.js';
import type { Logger } from '../../lib/logger.js';
import { newInstanceId } from '../instance.js';

export interface JobContext {
  job: JobRecord;
  /** Aborted when the lease is lost to another instance or this one stops: stop at the next batch. */
  signal: AbortSignal;
  /** Stores progress on the job (what the admin sees; a resumed job reads it back from `job.progress`). */
  progress: (progress: Record<string, unknown>) => Promise<void>;
}

/** Runs one job. Handlers are idempotent: a job whose instance died is run again from the start. */
export type JobHandler = (context: JobContext) => Promise<void>;

export interface JobWorkerOptions {
  jobs: JobRepository;
  handlers: Record<string, JobHandler>;
  /** Keyed recurring jobs (`everyMs`), queued at start unless they already exist. */
  recurring?: NewJob[];
  log: Logger;
  /** This instance, as written on the leases it holds. */
  owner?: string;
  leaseMs?: number;
  /** How long the worker sleeps when nothing is due. */
  pollMs?: number;
  /** The first retry waits this long, doubling each attempt up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Per job type, a retry schedule of its own (webhook deliveries retry for hours, not minutes). */
  retry?: Record<string, { backoffMs: number; maxBackoffMs: number }>;
  /** Jobs this instance runs at once (a slow webhook receiver must not hold up a site deletion). */
  concurrency?: number;
  now?: () => Date;
}

/** When attempt `attempts` (1-based) failed, the next one runs after this delay. */
export const backoffDelay = (attempts: number, baseMs: number, maxMs: number) =>
  Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));

/** Claims due jobs from the database one at a time, runs them under a renewed lease, retries with backoff. */
export function jobWorker(options: JobWorkerOptions) {
  const { jobs, handlers, log } = options;
  const owner = options.owner ?? newInstanceId();
  const leaseMs = options.leaseMs ?? 30_000;
  const pollMs = options.pollMs ?? 1000;
  const backoffMs = options.backoffMs ?? 5000;
  const maxBackoffMs = options.maxBackoffMs ?? 600_000;
  const now = options.now ?? (() => new Date());

  const concurrency = Math.max(1, options.concurrency ?? 1);

  let running = false;
  let loopDone: Promise<void> | null = null;
  const sleepers = new Set<() => void>();
  const stopping = new AbortController();

  async function run(job: JobRecord): Promise<void> {
    const handler = handlers[job.type];
    if (!handler) {
      await jobs.fail(job, owner, `No handler for job type ${job.type}`, now(), null);
      return;
    }
    const controller = new AbortController();
    const onStop = () => controller.abort();
    stopping.signal.addEventListener('abort', onStop);
    if (stopping.signal.aborted) controller.abort(); // stopped while claiming
    let renewing: Promise<void> = Promise.resolve();
    const renewal = setInterval(() => {
      renewing = jobs
        .renew(job, new Date(now().getTime() + leaseMs))
        .then((held) => {
          if (!held) controller.abort();
        })
        .catch((error: unknown) => log.warn({ err: error, job: job.id }, 'Job lease renewal failed'));
    }, leaseMs / 3);
    const settle = async () => {
      clearInterval(renewal);
      await renewing; // a renewal landing after the final write would mark the job running again
    };
    try {
      await handler({ job, signal: controller.signal, progress: (progress) => jobs.setProgress(job, progress) });
      await settle();
      await jobs.complete(job, owner, now());
    } catch (error) {
      await settle();
      if (stopping.signal.aborted) await jobs.release(job);
      else if (!controller.signal.aborted) {
        const retry = job.attempts < job.maxAttempts;
        const at = now();
        const policy = options.retry?.[job.type] ?? { backoffMs, maxBackoffMs };
        await jobs.fail(
          job,
          owner,
          (error as Error)?.message ?? String(error),
          at,
          retry ? new Date(at.getTime() + backoffDelay(job.attempts, policy.backoffMs, policy.maxBackoffMs)) : null,
        );
        log[retry ? 'warn' : 'error'](
          { err: error, job: job.id, type: job.type, attempts: job.attempts },
          retry ? 'Job failed; will retry' : 'Job dead',
        );
      }
      // Otherwise the lease was taken over: the new holder decides.
    } finally {
      clearInterval(renewal);
      stopping.signal.removeEventListener('abort', onStop);
    }
  }

  /** Claims and runs one due job; `false` when nothing was due. */
  /** Claims the due job, if any; a claim lost to another instance is tried again at once, a few times. */
  async function claimNext(): Promise<JobRecord | null> {
    for (let tries = 0; tries < 5; tries++) {
      const job = await jobs.claim(owner, now(), leaseMs);
      if (job === null) return null;
      if (job !== 'lost') return job;
    }
    return null;
  }

  /** Claims and runs one due job; `false` when nothing was due. */
  async function runOnce(): Promise<boolean> {
    const job = await claimNext();
    if (!job) return false;
    await run(job);
    return true;
  }

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        sleepers.delete(done);
        resolve();
      }
      sleepers.add(done);
    });
  const wakeAll = () => {
    for (const wake of [...sleepers]) wake();
  };

  /** One claimer, up to `concurrency` jobs running: the database is polled as often as with one job at a time. */
  async function loop(): Promise<void> {
    const active = new Set<Promise<void>>();
    while (running) {
      if (active.size >= concurrency) {
        await Promise.race(active);
        continue;
      }
      const job = await claimNext().catch((error: unknown) => {
        log.error({ err: error }, 'Job queue unavailable');
        return null;
      });
      if (!job) {
        if (running) await sleep(pollMs);
        continue;
      }
      const task: Promise<void> = run(job)
        .catch((error: unknown) => log.error({ err: error, job: job.id }, 'Job queue unavailable'))
        .finally(() => active.delete(task));
      active.add(task);
    }
    await Promise.all(active);
  }

  return {
    name: 'Job queue',
    owner,
    runOnce,
    start(): void {
      if (running) return;
      running = true;
      const queued = (async () => {
        for (const job of options.recurring ?? [])
          await jobs.enqueue(job, now()).catch((error: unknown) => log.error({ err: error }, 'Recurring job not queued'));
      })();
      loopDone = queued.then(loop);
    },
    /** Looks for due jobs now instead of at the next poll (after an enqueue in this instance). */
    wake: wakeAll,
    /** Stops claiming; a job still running is aborted and given back for another instance to run. */
    async stop(): Promise<void> {
      running = false;
      stopping.abort();
      wakeAll();
      await loopDone;
    },
  };
}
export type JobWorker = ReturnType<typeof jobWorker>;
