import type { Action } from '../../../domain/action.js';
import { currentAssignments, holderOf, incidentWarnings, type Incident, type RoleAssignment } from '../../../domain/incident.js';
import { compareRoles, roleLabel } from '../../../domain/role.js';
import { severityLabel, type SeverityScale } from '../../../domain/severity.js';
import type { TimelineEntry, TimelineRevision } from '../../../domain/timeline.js';
import type { User } from '../../../domain/user.js';
import type { StoredAuditRecord } from '../../../ports/store.port.js';
import type { ActionJson, IncidentJson, PersonJson, TimelineEntryJson, TimelineRevisionJson } from './schemas.js';

const iso = (d: Date) => d.toISOString();
const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

/** A person as the API shows them: no email, which is personal data the caller does not need. */
export function presentPerson(user: User): PersonJson {
  return { id: user.id, name: user.name, slackUserId: user.slackUserId };
}

const personOrNull = (user: User | null) => (user ? presentPerson(user) : null);

const byTimeThenRole = (a: RoleAssignment, b: RoleAssignment) =>
  a.assignedAt.getTime() - b.assignedAt.getTime() || compareRoles(a.role, b.role);

export function presentIncident(incident: Incident, severities: SeverityScale): IncidentJson {
  return {
    id: incident.id,
    reference: incident.reference,
    title: incident.title,
    status: incident.status,
    closeReason: incident.closeReason,
    blockedUntil: isoOrNull(incident.blockedUntil),
    reportOnly: incident.reportOnly,
    occurredAt: isoOrNull(incident.occurredAt),
    private: incident.private,
    drill: incident.drill,
    summary: incident.summary,
    impact: incident.impact,
    severity: incident.severity,
    severityLabel: incident.severity ? severityLabel(severities, incident.severity) : null,
    lead: personOrNull(holderOf(incident, 'lead')),
    scribe: personOrNull(holderOf(incident, 'scribe')),
    commsLead: personOrNull(holderOf(incident, 'commsLead')),
    reporter: presentPerson(incident.reporter),
    roles: [
      {
        role: 'reporter',
        label: 'Incident reporter',
        holder: presentPerson(incident.reporter),
        since: iso(incident.startedAt),
        assignedBy: null,
      },
      ...currentAssignments(incident).map((a) => ({
        role: a.role,
        label: roleLabel(a.role),
        holder: presentPerson(a.holder),
        since: iso(a.assignedAt),
        assignedBy: presentPerson(a.assignedBy),
      })),
    ],
    roleHistory: [...incident.roleAssignments].sort(byTimeThenRole).map((a) => ({
      role: a.role,
      label: roleLabel(a.role),
      holder: presentPerson(a.holder),
      assignedAt: iso(a.assignedAt),
      assignedBy: presentPerson(a.assignedBy),
      endedAt: isoOrNull(a.endedAt),
      endedBy: personOrNull(a.endedBy),
    })),
    warnings: incidentWarnings(incident),
    startedAt: iso(incident.startedAt),
    endedAt: isoOrNull(incident.endedAt),
    channel: incident.channel,
    createdAt: iso(incident.createdAt),
    updatedAt: iso(incident.updatedAt),
  };
}

export function presentTimelineEntry(entry: TimelineEntry): TimelineEntryJson {
  return {
    id: entry.id,
    incidentId: entry.incidentId,
    occurredAt: iso(entry.occurredAt),
    kind: entry.kind,
    text: entry.text,
    link: entry.link,
    removed: entry.removed,
    author: presentPerson(entry.author),
    source: entry.source,
    revision: entry.revision,
    createdAt: iso(entry.createdAt),
    updatedAt: iso(entry.updatedAt),
    updatedBy: presentPerson(entry.updatedBy),
  };
}

export function presentRevision(revision: TimelineRevision): TimelineRevisionJson {
  return {
    revision: revision.revision,
    occurredAt: iso(revision.occurredAt),
    kind: revision.kind,
    text: revision.text,
    link: revision.link,
    removed: revision.removed,
    revisedBy: presentPerson(revision.revisedBy),
    source: revision.source,
    revisedAt: iso(revision.revisedAt),
  };
}

export function presentAction(action: Action): ActionJson {
  return {
    id: action.id,
    incidentId: action.incidentId,
    text: action.text,
    owner: personOrNull(action.owner),
    done: action.done,
    doneAt: isoOrNull(action.doneAt),
    createdBy: presentPerson(action.createdBy),
    createdAt: iso(action.createdAt),
    updatedAt: iso(action.updatedAt),
  };
}

export function presentAudit(record: StoredAuditRecord) {
  return {
    at: iso(record.at),
    type: record.type,
    actor: presentPerson(record.actor),
    source: record.source,
    data: record.data,
  };
}
