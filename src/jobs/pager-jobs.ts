import type { Logger } from 'pino';
import { z } from 'zod';
import type { PageId } from '../domain/page.js';
import { PagerRefused, PagerUnavailable } from '../ports/pager.port.js';
import { PAGER_ACKNOWLEDGED_JOB, type PageAcknowledgementService } from '../services/page-acknowledgement.service.js';
import { PAGER_RESOLVE_JOB, PAGER_TRIGGER_JOB, type PageService } from '../services/page.service.js';
import { PermanentFailure, RetryLater } from './job-errors.js';
import type { JobHandler } from './worker.js';

const payload = z.object({ pageId: z.string() });
const acknowledgement = z.object({
  noticeId: z.string(),
  pageKey: z.string(),
  by: z.object({ pagerUserId: z.string().nullable(), name: z.string() }),
});

/** The pager's outages are waited out; its refusals fail the job for good. */
async function asJob(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (error instanceof PagerUnavailable) throw new RetryLater(error.message, error.retryAfterMs);
    if (error instanceof PagerRefused) throw new PermanentFailure(error.message);
    throw error;
  }
}

/** The paging jobs: send a page, resolve a page, record an acknowledgement (when webhooks are on). */
export function createPagerJobHandlers(pages: PageService, acknowledgements: PageAcknowledgementService | null = null): [string, JobHandler][] {
  const pageIdOf = (raw: unknown) => ({ pageId: payload.parse(raw).pageId as PageId });
  return [
    [PAGER_TRIGGER_JOB, (job, log: Logger) => asJob(() => pages.trigger(pageIdOf(job.payload), log))],
    [PAGER_RESOLVE_JOB, (job) => asJob(() => pages.resolve(pageIdOf(job.payload)))],
    ...(acknowledgements
      ? [[PAGER_ACKNOWLEDGED_JOB, (job) => asJob(() => acknowledgements.acknowledge(acknowledgement.parse(job.payload)))] satisfies [string, JobHandler]]
      : []),
  ];
}
