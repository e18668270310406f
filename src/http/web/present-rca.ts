import type { Action } from '../../domain/action.js';
import { formatDuration } from '../../domain/duration.js';
import { currentAssignments, peopleInvolved, type Incident } from '../../domain/incident.js';
import type { IncidentDurations } from '../../domain/incident-durations.js';
import { isOverdue, type RcaReport } from '../../domain/rca.js';
import { roleLabel } from '../../domain/role.js';
import { severityLabel, type SeverityScale } from '../../domain/severity.js';
import type { User } from '../../domain/user.js';
import { presentTimelineEntry, showDate } from './present.js';

const dayFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** "3 May 2024" from an ISO calendar date. */
export const showDay = (isoDay: string | null) => (isoDay ? dayFormat.format(new Date(`${isoDay}T00:00:00Z`)) : null);

/** Today's calendar day in UTC, which is what due dates are compared with. */
export const todayOf = (now: Date) => now.toISOString().slice(0, 10);

/** The three durations as the page words them; null is "not yet" while open, "none" once closed. */
export function presentDurations(d: IncidentDurations, closed: boolean) {
  const missing = closed ? 'None' : 'Not yet';
  const shown = (ms: number | null) => (ms === null ? missing : formatDuration(ms));
  return [
    { label: 'Time to incident lead', value: shown(d.toLeadMs) },
    { label: 'Time to first stakeholder update', value: shown(d.toFirstUpdateMs) },
    { label: 'Time to close', value: d.toCloseMs === null ? 'Not yet (still open)' : formatDuration(d.toCloseMs) },
  ];
}

/** The people the forms offer (attendees, owners): everyone involved, then everyone who attended. */
export function rcaCandidates(report: RcaReport): User[] {
  const i = report.incident;
  const byId = new Map<string, User>();
  const all = [i.reporter, ...i.roleAssignments.map((a) => a.holder), ...i.people.map((p) => p.user), ...(report.rca?.attendees ?? [])];
  const involved = new Set<string>(peopleInvolved(i));
  for (const user of all) if (involved.has(user.id) || report.rca?.attendees.some((a) => a.id === user.id)) byId.set(user.id, user);
  return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** One follow-up row, on the RCA page or the list of open ones. */
export function presentFollowUp(reference: string, a: Action, today: string) {
  const base = `/incidents/${reference}/rca/follow-ups/${a.id}`;
  return {
    id: a.id,
    text: a.text,
    owner: a.owner?.name ?? 'No owner',
    dueOn: showDay(a.dueOn) ?? 'No date',
    dueOnIso: a.dueOn,
    overdue: isOverdue(a, today),
    done: a.done,
    doneHref: `${base}/done`,
    editHref: `${base}/edit`,
  };
}

function presentRoles(i: Incident) {
  const current = currentAssignments(i).map((a) => ({ label: roleLabel(a.role), holder: a.holder.name, since: showDate(a.assignedAt) }));
  const handOvers = i.roleAssignments
    .filter((a) => a.endedAt)
    .map((a) => ({ label: roleLabel(a.role), holder: a.holder.name, from: showDate(a.assignedAt), to: showDate(a.endedAt) }));
  return { current, handOvers };
}

/** The RCA page's view model: the incident as it was, the session, the outcome, the follow-ups. */
export function presentRcaPage(report: RcaReport, scale: SeverityScale, now: Date, names: ReadonlyMap<string, string>) {
  const i = report.incident;
  const rca = report.rca;
  const today = todayOf(now);
  return {
    incident: {
      reference: i.reference,
      title: i.title,
      summary: i.summary,
      impact: i.impact,
      severity: i.severity ? severityLabel(scale, i.severity) : null,
      closed: i.status === 'closed',
      status: i.status === 'open' ? 'Open' : i.closeReason === 'blocked' ? 'Closed: blocked' : 'Closed: resolved',
      started: showDate(i.startedAt),
      ended: showDate(i.endedAt),
      private: i.private,
    },
    roles: presentRoles(i),
    durations: presentDurations(report.durations, i.status === 'closed'),
    timeline: report.timeline.map((e) => presentTimelineEntry(i.reference, e, names)),
    actions: report.actions.map((a) => ({ text: a.text, owner: a.owner?.name ?? 'No owner', done: a.done })),
    rca: rca
      ? {
          heldOn: showDay(rca.heldOn),
          attendees: rca.attendees.map((a) => a.name),
          rootCause: rca.rootCause,
          contributingFactors: rca.contributingFactors,
          wentWell: rca.wentWell,
          wentBadly: rca.wentBadly,
          complete: rca.status === 'complete',
          updatedBy: rca.updatedBy.name,
          updatedAt: showDate(rca.updatedAt),
        }
      : null,
    version: rca?.version ?? 0,
    followUps: report.followUps.map((a) => presentFollowUp(i.reference, a, today)),
    candidates: rcaCandidates(report).map((u) => ({ id: u.id, name: u.name, attending: rca?.attendees.some((a) => a.id === u.id) ?? false })),
  };
}
