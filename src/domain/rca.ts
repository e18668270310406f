import type { Action } from './action.js';
import type { Incident } from './incident.js';
import type { IncidentDurations } from './incident-durations.js';
import type { IncidentId } from './ids.js';
import type { TimelineEntry } from './timeline.js';
import type { User } from './user.js';

/**
 * An RCA is a `draft` while people write it, `complete` once its outcome is agreed. Publishing and
 * sharing read the latest saved version whatever its status.
 */
export const rcaStatuses = ['draft', 'complete'] as const;
export type RcaStatus = (typeof rcaStatuses)[number];

/** The root cause analysis of one incident: the session that was held and what it found. */
export interface Rca {
  readonly incidentId: IncidentId;
  /** The day the RCA session was (or will be) held, an ISO calendar date; null until known. */
  readonly heldOn: string | null;
  readonly attendees: readonly User[];
  readonly rootCause: string | null;
  readonly contributingFactors: string | null;
  readonly wentWell: string | null;
  readonly wentBadly: string | null;
  readonly status: RcaStatus;
  /** Optimistic-concurrency counter, bumped on every saved change. */
  readonly version: number;
  readonly createdBy: User;
  readonly createdAt: Date;
  readonly updatedBy: User;
  readonly updatedAt: Date;
}

/**
 * Everything the RCA page, its exports and its publications show, read in one go: the incident,
 * its RCA (null before anyone started one), durations, the timeline (pinned messages and events,
 * removed entries left out), the actions taken during the incident and the follow-ups agreed
 * after it (actions with `followUp` set).
 */
export interface RcaReport {
  readonly incident: Incident;
  readonly rca: Rca | null;
  readonly durations: IncidentDurations;
  readonly timeline: readonly TimelineEntry[];
  readonly actions: readonly Action[];
  readonly followUps: readonly Action[];
}
