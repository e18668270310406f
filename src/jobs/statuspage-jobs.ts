import { z } from 'zod';
import type { PublicUpdateId } from '../domain/status-page.js';
import { StatusPageRefused, StatusPageUnavailable } from '../ports/status-page-publisher.port.js';
import { STATUSPAGE_SYNC_JOB, type StatusPageSyncService } from '../services/statuspage-sync.service.js';
import { PermanentFailure, RetryLater } from './job-errors.js';
import type { JobHandler } from './worker.js';

const payload = z.object({ updateId: z.string() });

/** The sync job: the vendor's rate limit and outages are waited out (its queue waits too); refusals fail for good. */
export function createStatusPageJobHandlers(sync: StatusPageSyncService): [string, JobHandler][] {
  return [
    [
      STATUSPAGE_SYNC_JOB,
      async (job) => {
        try {
          await sync.sync({ updateId: payload.parse(job.payload).updateId as PublicUpdateId });
        } catch (error) {
          if (error instanceof StatusPageUnavailable) throw new RetryLater(error.message, error.retryAfterMs);
          if (error instanceof StatusPageRefused) throw new PermanentFailure(error.message);
          throw error;
        }
      },
    ],
  ];
}
