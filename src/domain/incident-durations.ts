import type { Incident } from './incident.js';
import type { TimelineKind } from './timeline.js';

/** Timeline kinds that count as telling stakeholders: an `update` and a status page publication. */
export const stakeholderUpdateKinds = ['update', 'statusPage'] as const satisfies readonly TimelineKind[];

/** The three times the RCA and the metrics report, each from the official start (declared). */
export interface IncidentDurations {
  /** Until the first incident lead was named; null while there has been none. */
  readonly toLeadMs: number | null;
  /** Until the first stakeholder update (see stakeholderUpdateKinds); null while there has been none. */
  readonly toFirstUpdateMs: number | null;
  /** Until it was closed; null while open. */
  readonly toCloseMs: number | null;
}

/**
 * The durations of one incident. `firstUpdateAt` comes from its timeline (the earliest entry of a
 * stakeholderUpdateKinds kind that was not removed). A time before the start (a report-only
 * incident's roles can be back-dated) counts as zero, never negative.
 */
export function incidentDurations(
  incident: Pick<Incident, 'startedAt' | 'endedAt' | 'roleAssignments'>,
  firstUpdateAt: Date | null,
): IncidentDurations {
  const firstLeadAt = incident.roleAssignments
    .filter((a) => a.role === 'lead')
    .reduce<Date | null>((first, a) => (first === null || a.assignedAt < first ? a.assignedAt : first), null);
  return durationsFromMoments({ startedAt: incident.startedAt, firstLeadAt, firstUpdateAt, endedAt: incident.endedAt });
}

/** The moments the durations are measured to, as the metrics read them in bulk (no whole incidents). */
export interface IncidentMoments {
  readonly startedAt: Date;
  readonly firstLeadAt: Date | null;
  readonly firstUpdateAt: Date | null;
  readonly endedAt: Date | null;
}

/** incidentDurations' rule over the moments themselves: the same clamping at zero. */
export function durationsFromMoments(moments: IncidentMoments): IncidentDurations {
  const start = moments.startedAt.getTime();
  const since = (at: Date | null): number | null => (at ? Math.max(0, at.getTime() - start) : null);
  return { toLeadMs: since(moments.firstLeadAt), toFirstUpdateMs: since(moments.firstUpdateAt), toCloseMs: since(moments.endedAt) };
}
