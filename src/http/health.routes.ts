import type { FastifyInstance } from 'fastify';
import { formatDuration } from '../domain/duration.js';
import type { JobStats } from '../ports/jobs.port.js';
import { sendError } from './error-response.js';

const TIMEOUT_MS = 2000;

export interface HealthDeps {
  /** Resolves when the database answers. */
  readonly ping: () => Promise<void>;
  /** The job queue's figures now. */
  readonly jobStats: () => Promise<JobStats>;
  /** A runnable job waiting longer than this means no worker is taking jobs. */
  readonly jobsStuckAfterMs: number;
}

/**
 * `/healthz`, for load balancers and orchestrators: 200 while the database answers and the job
 * queue moves; 503 when the database does not answer or a runnable job has waited past the
 * threshold (this instance's worker has died: restarting it helps). Failed jobs are reported but
 * are no reason to restart: they wait for an operator (`npm run cli -- jobs`).
 */
export function healthRoutes(deps: HealthDeps) {
  return async (app: FastifyInstance) => {
    app.get('/healthz', async (request, reply) => {
      let timer: NodeJS.Timeout | undefined;
      // One deadline for both queries, so a probe never waits longer than it did for the ping alone.
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
      });
      let jobs: JobStats;
      try {
        await Promise.race([deps.ping(), deadline]);
        jobs = await Promise.race([deps.jobStats(), deadline]);
      } catch (error) {
        request.log.warn({ err: error }, 'health check: database unavailable');
        return sendError(reply, 503, { code: 'health.database_unavailable', message: 'The database does not answer.' });
      } finally {
        clearTimeout(timer);
      }
      if (jobs.oldestDueAgeMs > deps.jobsStuckAfterMs) {
        const message =
          `The job queue is stuck: the oldest runnable job has waited ${formatDuration(jobs.oldestDueAgeMs)} ` +
          `(limit ${formatDuration(deps.jobsStuckAfterMs)}); ${jobs.pending} pending, ${jobs.running} running, ${jobs.failed} failed.`;
        request.log.warn({ jobs }, 'health check: job queue stuck');
        return sendError(reply, 503, { code: 'health.jobs_stuck', message });
      }
      const { pending, running, failed, oldestDueAgeMs } = jobs;
      return reply.send({ status: 'ok', database: 'ok', jobs: { pending, running, failed, oldestDueAgeMs } });
    });
  };
}
