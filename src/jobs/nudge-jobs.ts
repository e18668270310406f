import { z } from 'zod';
import { nudgeKinds } from '../domain/nudges.js';
import type { IncidentId } from '../domain/ids.js';
import { NUDGE_CHECK_JOB, type NudgeService } from '../services/nudge.service.js';
import type { JobHandler } from './worker.js';

const checkPayload = z.object({ incidentId: z.string(), kind: z.enum(nudgeKinds) });

/** The reminders' job: check one reminder of one incident when it may be due. */
export function createNudgeJobHandlers(nudges: NudgeService): [string, JobHandler][] {
  return [
    [
      NUDGE_CHECK_JOB,
      async (job) => {
        const { incidentId, kind } = checkPayload.parse(job.payload);
        await nudges.check({ incidentId: incidentId as IncidentId, kind });
      },
    ],
  ];
}
