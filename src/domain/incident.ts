import type { IncidentId, RoleAssignmentId, UserId } from './ids.js';
import { compareRoles, type RoleName } from './role.js';
import type { User } from './user.js';

export const incidentStatuses = ['open', 'closed'] as const;
export type IncidentStatus = (typeof incidentStatuses)[number];

/** The seed's two ways work on an incident ends. */
export const closeReasons = ['resolved', 'blocked'] as const;
export type CloseReason = (typeof closeReasons)[number];

export interface SlackChannelRef {
  readonly id: string;
  readonly name: string;
}

/**
 * How someone came to be among an incident's people besides holding a role: `added` by a person
 * on the site or in Slack, or `channel` as a member of its Slack channel (as Slack has told us).
 */
export const personKinds = ['added', 'channel'] as const;
export type PersonKind = (typeof personKinds)[number];

/** Someone let in to an incident (a private one is visible to them): who, how, by whom and when. */
export interface IncidentPerson {
  readonly user: User;
  readonly how: PersonKind;
  readonly addedBy: User;
  readonly addedAt: Date;
}

/** One person holding one role for a span of time; ending it and starting another is a hand-over. */
export interface RoleAssignment {
  readonly id: RoleAssignmentId;
  readonly role: RoleName;
  readonly holder: User;
  readonly assignedAt: Date;
  readonly assignedBy: User;
  readonly endedAt: Date | null;
  readonly endedBy: User | null;
}

export interface Incident {
  readonly id: IncidentId;
  /** Sequential number behind the reference; unique and gap-free. */
  readonly number: number;
  /** Human reference, e.g. INC-42. */
  readonly reference: string;
  /** One line: what has happened (the text after `/incident`). */
  readonly title: string;
  readonly status: IncidentStatus;
  readonly closeReason: CloseReason | null;
  /** For `blocked`: when work is expected to resume, if known. */
  readonly blockedUntil: Date | null;
  /** Something that already happened, reported after the fact. */
  readonly reportOnly: boolean;
  /** For report-only incidents: when it actually happened, if earlier than the report. */
  readonly occurredAt: Date | null;
  readonly private: boolean;
  /** A drill or test incident: worked like any other, left out of the metrics. */
  readonly drill: boolean;
  readonly summary: string | null;
  readonly impact: string | null;
  readonly severity: string | null;
  /** The official start: the moment it was declared. */
  readonly startedAt: Date;
  readonly endedAt: Date | null;
  readonly channel: SlackChannelRef | null;
  /** When its comms channel was archived in Slack; the record stays here whatever Slack does. */
  readonly channelArchivedAt: Date | null;
  readonly reporter: User;
  /** Every assignment ever made, current ones with `endedAt: null`. */
  readonly roleAssignments: readonly RoleAssignment[];
  /** People added to it or in its Slack channel; one entry per person and way (someone can be both). */
  readonly people: readonly IncidentPerson[];
  /** Optimistic-concurrency counter, bumped on every saved change. */
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** The people holding a role right now: lead, scribe, comms lead, then custom roles. */
export function currentAssignments(incident: Incident): RoleAssignment[] {
  return incident.roleAssignments.filter((a) => a.endedAt === null).sort((a, b) => compareRoles(a.role, b.role));
}

/** Who holds `role` now, or null. */
export function holderOf(incident: Incident, role: RoleName): User | null {
  const lower = role.toLowerCase();
  return currentAssignments(incident).find((a) => a.role.toLowerCase() === lower)?.holder ?? null;
}

export interface IncidentWarning {
  readonly code: 'lead_is_scribe';
  readonly message: string;
}

/** Allowed but discouraged states, shown to people rather than refused. */
export function incidentWarnings(incident: Incident): IncidentWarning[] {
  const lead = holderOf(incident, 'lead');
  const scribe = holderOf(incident, 'scribe');
  if (lead && scribe && lead.id === scribe.id) {
    return [
      {
        code: 'lead_is_scribe',
        message: `${lead.name} is both incident lead and scribe. The process discourages this: ask for a volunteer scribe.`,
      },
    ];
  }
  return [];
}

/** Someone the site treats as a viewer: their id, and whether they are an admin (who see everything). */
export interface Viewer {
  readonly userId: UserId;
  readonly admin: boolean;
}

/**
 * The people involved in an incident: its reporter, everyone who has held one of its roles, and
 * the people added to it or in its Slack channel.
 */
export function peopleInvolved(incident: Pick<Incident, 'reporter' | 'roleAssignments' | 'people'>): UserId[] {
  return [
    ...new Set([incident.reporter.id, ...incident.roleAssignments.map((a) => a.holder.id), ...incident.people.map((p) => p.user.id)]),
  ];
}

/**
 * Whether `userId` is involved for good: the reporter and anyone who ever held a role stay
 * involved whatever else changes (removing them as a person does not shut them out).
 */
export function isPermanentlyInvolved(incident: Pick<Incident, 'reporter' | 'roleAssignments'>, userId: UserId): boolean {
  return incident.reporter.id === userId || incident.roleAssignments.some((a) => a.holder.id === userId);
}

/** A private incident is visible only to the people involved and to admins; others see no trace of it. */
export function isVisibleTo(incident: Pick<Incident, 'private'> & Parameters<typeof peopleInvolved>[0], viewer: Viewer): boolean {
  return !incident.private || viewer.admin || peopleInvolved(incident).includes(viewer.userId);
}
