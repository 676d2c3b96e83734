import type { Job } from '../../../contract/jobs.js';
import type { JobRecord, JobRepository } from '../../data/jobRepository.js';
import { notFound } from '../../lib/AppError.js';

export const toJobView = (job: JobRecord): Job => ({
  id: job.id,
  type: job.type,
  status: job.status,
  progress: job.progress as Job['progress'],
  attempts: job.attempts,
  error: job.lastError,
  createdAt: job.createdAt.toISOString(),
  finishedAt: job.finishedAt?.toISOString() ?? null,
});

/** An admin reads the jobs of their own tenant only. */
export function adminJobs(jobs: JobRepository) {
  return {
    async get(tenantId: string, id: string): Promise<Job> {
      const job = await jobs.findForTenant(tenantId, id);
      if (!job) throw notFound('Job');
      return toJobView(job);
    },
  };
}
export type AdminJobs = ReturnType<typeof adminJobs>;
