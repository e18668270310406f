import type { IncidentId } from './ids.js';
import type { User } from './user.js';

/** Where an RCA can be published; one publication (one page) per incident and target. */
export const rcaPublicationTargets = ['confluence'] as const;
export type RcaPublicationTarget = (typeof rcaPublicationTargets)[number];

/** `pending`: asked for, its job not done yet; `published`: the page has the latest; `failed`: refused for good. */
export const rcaPublicationStatuses = ['pending', 'published', 'failed'] as const;
export type RcaPublicationStatus = (typeof rcaPublicationStatuses)[number];

/** An RCA's page elsewhere: the page id and version we last wrote, its address, and how the last request went. */
export interface RcaPublication {
  readonly incidentId: IncidentId;
  readonly target: RcaPublicationTarget;
  readonly externalId: string | null;
  readonly externalVersion: number | null;
  readonly url: string | null;
  readonly status: RcaPublicationStatus;
  readonly requestedBy: User;
  readonly requestedAt: Date;
  readonly publishedAt: Date | null;
  readonly lastError: string | null;
}
