import type { Connection } from 'mongoose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { jobRepository } from '../../data/jobRepository.js';
import { createModels, type Models } from '../../db/models/index.js';
import { createLogger } from '../../lib/logger.js';
import { openTestDatabase } from '../../test/database.js';
import { eventually } from '../../test/eventually.js';
import { backoffDelay, type JobHandler, jobWorker } from './jobWorker.js';

let connection: Connection;
let models: Models;
const log = createLogger('silent');

beforeAll(async () => {
  connection = await openTestDatabase(import.meta.url);
  models = await createModels(connection);
});
afterAll(async () => {
  await connection?.close();
});
beforeEach(async () => {
  await models.Job.deleteMany({});
  await models.JobClaim.deleteMany({});
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('job queue', () => {
  it('two workers on one database never run one job twice', async () => {
    const jobs = jobRepository(models);
    const runs: string[] = [];
    const handler: JobHandler = async ({ job }) => {
      runs.push(job.id);
      await sleep(5);
    };
    const queued = await Promise.all(Array.from({ length: 40 }, (_, i) => jobs.enqueue({ type: 'count', payload: { i } })));
    const workers = ['a', 'b'].map((owner) => jobWorker({ jobs, handlers: { count: handler }, log, owner, pollMs: 10 }));
    for (const worker of workers) worker.start();
    try {
      await eventually(async () => (await models.Job.countDocuments({ status: 'done' })) === queued.length, 15_000);
    } finally {
      await Promise.all(workers.map((worker) => worker.stop()));
    }

    expect(runs.sort()).toEqual(queued.map((job) => job.id).sort());
    // And the claim itself, raced on one job: exactly one instance gets it.
    const one = await jobs.enqueue({ type: 'count' });
    const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => jobs.claim(`racer-${i}`, new Date(), 60_000)));
    const won = claims.filter((claim) => claim !== null && claim !== 'lost');
    expect(won).toHaveLength(1);
    expect(won[0]).toMatchObject({ id: one.id });
  });

  it('a job whose worker died is resumed by another once its lease expires, with its progress', async () => {
    const jobs = jobRepository(models);
    const job = await jobs.enqueue({ type: 'resume', tenantId: 't1' });
    // The first instance claims it with a short lease, stores progress, and dies (never completes or renews).
    const crashed = await jobs.claim('crashed', new Date(), 300);
    if (!crashed || crashed === 'lost') throw new Error('not claimed');
    await jobs.setProgress(crashed, { done: 3 });

    const seen: unknown[] = [];
    const survivor = jobWorker({
      jobs,
      handlers: {
        resume: async ({ job }) => {
          seen.push(job.progress);
        },
      },
      log,
      owner: 'survivor',
    });
    expect(await survivor.runOnce()).toBe(false); // still leased
    await sleep(350);
    expect(await survivor.runOnce()).toBe(true);
    expect(seen).toEqual([{ done: 3 }]);
    expect(await jobs.findForTenant('t1', job.id)).toMatchObject({ status: 'done', attempts: 2 });
    expect(await jobs.findForTenant('t2', job.id)).toBeNull();
  });

  it('a running job renews its lease, so a slow job is not taken over', async () => {
    const jobs = jobRepository(models);
    await jobs.enqueue({ type: 'slow' });
    let runs = 0;
    const handlers = {
      slow: async () => {
        runs++;
        await sleep(400);
      },
    };
    const first = jobWorker({ jobs, handlers, log, owner: 'first', leaseMs: 150 });
    const second = jobWorker({ jobs, handlers, log, owner: 'second', leaseMs: 150 });
    const running = first.runOnce();
    await sleep(250); // past the first lease: only renewal keeps it
    expect(await second.runOnce()).toBe(false);
    expect(await running).toBe(true);
    expect(runs).toBe(1);
  });

  it('failures retry with exponential backoff, then the job is dead', async () => {
    const jobs = jobRepository(models);
    let clock = new Date('2026-01-01T00:00:00Z').getTime();
    const now = () => new Date(clock);
    let calls = 0;
    const worker = jobWorker({
      jobs,
      handlers: {
        flaky: async () => {
          calls++;
          throw new Error(`failure ${calls}`);
        },
      },
      log,
      now,
      backoffMs: 1000,
    });
    const job = await jobs.enqueue({ type: 'flaky', maxAttempts: 3 }, now());

    expect(await worker.runOnce()).toBe(true);
    expect(await jobs.findById(job.id)).toMatchObject({ status: 'queued', attempts: 1, lastError: 'failure 1' });
    expect((await jobs.findById(job.id))?.runAt.getTime()).toBe(clock + 1000);
    clock += 999;
    expect(await worker.runOnce()).toBe(false); // not due yet
    clock += 1;
    expect(await worker.runOnce()).toBe(true);
    expect((await jobs.findById(job.id))?.runAt.getTime()).toBe(clock + 2000);
    clock += 2000;
    expect(await worker.runOnce()).toBe(true);
    expect(await jobs.findById(job.id)).toMatchObject({ status: 'dead', attempts: 3, lastError: 'failure 3' });
    clock += 3600_000;
    expect(await worker.runOnce()).toBe(false);
    expect(calls).toBe(3);
    expect(backoffDelay(20, 1000, 60_000)).toBe(60_000);
  });

  it('a failure followed by a success ends done; an unknown type is dead at once', async () => {
    const jobs = jobRepository(models);
    let calls = 0;
    const worker = jobWorker({
      jobs,
      handlers: {
        once: async () => {
          if (++calls === 1) throw new Error('transient');
        },
      },
      log,
      backoffMs: 1,
    });
    const job = await jobs.enqueue({ type: 'once' });
    await worker.runOnce();
    await sleep(5);
    await worker.runOnce();
    expect(await jobs.findById(job.id)).toMatchObject({ status: 'done', attempts: 2 });
    const unknown = await jobs.enqueue({ type: 'nobody-runs-this' });
    await worker.runOnce();
    expect(await jobs.findById(unknown.id)).toMatchObject({ status: 'dead', lastError: expect.stringContaining('No handler') });
  });

  it('a keyed job is enqueued once; a recurring job is queued again after each run', async () => {
    const jobs = jobRepository(models);
    let clock = Date.now();
    const now = () => new Date(clock);
    const a = await jobs.enqueue({ type: 'tick', key: 'tick', everyMs: 60_000 }, now());
    const b = await jobs.enqueue({ type: 'tick', key: 'tick', everyMs: 60_000 }, now());
    expect(b.id).toBe(a.id);
    let ticks = 0;
    const worker = jobWorker({ jobs, handlers: { tick: async () => void ticks++ }, log, now });
    expect(await worker.runOnce()).toBe(true);
    expect(await jobs.findById(a.id)).toMatchObject({ status: 'queued', attempts: 0 });
    expect(await worker.runOnce()).toBe(false);
    clock += 60_000;
    expect(await worker.runOnce()).toBe(true);
    expect(ticks).toBe(2);
  });

  it('run now while a run is in progress: queued again the moment that run ends, recurring or not', async () => {
    const jobs = jobRepository(models);
    const now = new Date();
    for (const everyMs of [60_000, null]) {
      const key = `sync-${everyMs}`;
      const job = await jobs.enqueue({ type: 'sync', key, everyMs }, now);
      let runs = 0;
      const worker = jobWorker({
        jobs,
        log,
        now: () => now,
        handlers: {
          // The request comes after the run read its work and before it ended (a sync finishing as "Sync now" is pressed).
          sync: async () => {
            runs++;
            if (runs === 1) expect(await jobs.runNow(key, now)).toBe(true);
          },
        },
      });
      expect(await worker.runOnce()).toBe(true);
      expect(await jobs.findById(job.id)).toMatchObject({ status: 'queued', runAt: now, attempts: 0 });
      expect(await worker.runOnce()).toBe(true);
      expect(runs).toBe(2);
      // Asked once, run once more: then it ends as usual.
      expect(await jobs.findById(job.id)).toMatchObject(everyMs ? { status: 'queued' } : { status: 'done' });
      expect(await worker.runOnce()).toBe(false);
    }
  });

  it('stopping gives a running job back without counting the attempt', async () => {
    const jobs = jobRepository(models);
    const job = await jobs.enqueue({ type: 'long' });
    const worker = jobWorker({
      jobs,
      handlers: {
        long: ({ signal }) =>
          new Promise((_, reject) => {
            if (signal.aborted) reject(new Error('stopped'));
            signal.addEventListener('abort', () => reject(new Error('stopped')), { once: true });
          }),
      },
      log,
      pollMs: 10,
    });
    worker.start();
    try {
      await eventually(async () => (await jobs.findById(job.id))?.status === 'running', 15_000);
    } finally {
      await worker.stop();
    }
    expect(await jobs.findById(job.id)).toMatchObject({ status: 'queued', attempts: 0 });
  });
});
