import { z } from 'zod';
import type { IncidentId } from '../domain/ids.js';
import { RcaPublisherRefused, RcaPublisherUnavailable } from '../ports/rca-publisher.port.js';
import { RCA_CONFLUENCE_JOB, type RcaPublishingService } from '../services/rca-publishing.service.js';
import { PermanentFailure, RetryLater } from './job-errors.js';
import type { JobHandler } from './worker.js';

const payload = z.object({ incidentId: z.string() });

/** The Confluence job: outages and rate limits are retried (Retry-After honoured); refusals fail for good. */
export function createRcaJobHandlers(publishing: RcaPublishingService): [string, JobHandler][] {
  return [
    [
      RCA_CONFLUENCE_JOB,
      async (job) => {
        const parsed = payload.safeParse(job.payload);
        if (!parsed.success) throw new PermanentFailure(`bad ${RCA_CONFLUENCE_JOB} payload`);
        try {
          await publishing.publishToConfluence({ incidentId: parsed.data.incidentId as IncidentId });
        } catch (error) {
          if (error instanceof RcaPublisherUnavailable) throw new RetryLater(error.message, error.retryAfterMs);
          if (error instanceof RcaPublisherRefused) throw new PermanentFailure(error.message);
          throw error;
        }
      },
    ],
  ];
}
