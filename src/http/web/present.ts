import type { Action } from '../../domain/action.js';
import { formatDuration, incidentDuration } from '../../domain/duration.js';
import { currentAssignments, holderOf, incidentWarnings, type Incident } from '../../domain/incident.js';
import { roleLabel } from '../../domain/role.js';
import { severityLabel, type SeverityScale } from '../../domain/severity.js';
import type { TimelineEntry } from '../../domain/timeline.js';

const dateFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'UTC',
  timeZoneName: 'short',
});

/** "27 Nov 2026, 13:05 UTC": one unambiguous form everywhere on the site. */
export const showDate = (d: Date | null) => (d ? dateFormat.format(d) : null);

const statusTag = (i: Incident) =>
  i.status === 'open'
    ? { text: i.reportOnly ? 'Report' : 'Open', classes: i.reportOnly ? 'govuk-tag--grey' : 'govuk-tag--red' }
    : { text: i.closeReason === 'blocked' ? 'Closed: blocked' : 'Closed: resolved', classes: 'govuk-tag--green' };

const severityTag = (i: Incident, scale: SeverityScale) =>
  i.severity ? { text: severityLabel(scale, i.severity), classes: i.severity === scale[0]?.key ? 'govuk-tag--red' : 'govuk-tag--orange' } : null;

/** The select's options: "Not set" and the team's scale in order. */
export function severityItems(scale: SeverityScale, selected: string) {
  return [{ value: '', text: 'Not set', selected: selected === '' }, ...scale.map((l) => ({ value: l.key, text: l.label, selected: l.key === selected }))];
}

export function presentIncidentRow(i: Incident, scale: SeverityScale, now: Date) {
  return {
    reference: i.reference,
    title: i.title,
    href: `/incidents/${i.reference}`,
    status: statusTag(i),
    severity: severityTag(i, scale),
    lead: holderOf(i, 'lead')?.name ?? null,
    started: showDate(i.startedAt),
    duration: formatDuration(incidentDuration(i, now)),
    private: i.private,
  };
}

/** What the process asks for next, given where the incident stands. */
export function nextSteps(i: Incident): string[] {
  if (i.status === 'closed') return ['Schedule the root cause analysis (RCA) session.', 'Archive the comms channel once the issue is fixed.'];
  const steps: string[] = [];
  if (!i.reportOnly && !i.channel) steps.push('Create the comms channel (from the announcement in Slack).');
  if (!holderOf(i, 'lead')) steps.push('Page or call in an incident lead.');
  if (!holderOf(i, 'scribe')) steps.push('Ask for a volunteer incident scribe.');
  if (!i.summary) steps.push('Write the summary: what is happening.');
  if (!i.severity) steps.push('Set the severity.');
  if (!i.impact) steps.push('Describe the impact: who or what is affected.');
  return steps;
}

export function presentIncidentPage(i: Incident, timeline: TimelineEntry[], actions: Action[], scale: SeverityScale, now: Date) {
  return {
    incident: {
      id: i.id,
      reference: i.reference,
      title: i.title,
      summary: i.summary,
      impact: i.impact,
      severity: i.severity,
      severityTag: severityTag(i, scale),
      status: i.status,
      statusTag: statusTag(i),
      reportOnly: i.reportOnly,
      private: i.private,
      started: showDate(i.startedAt),
      occurred: showDate(i.occurredAt),
      ended: showDate(i.endedAt),
      blockedUntil: showDate(i.blockedUntil),
      duration: formatDuration(incidentDuration(i, now)),
      channel: i.channel,
      reporter: i.reporter.name,
      warnings: incidentWarnings(i).map((w) => w.message),
    },
    roles: [
      { label: 'Incident reporter', holder: i.reporter.name, since: showDate(i.startedAt) },
      ...currentAssignments(i).map((a) => ({ role: a.role, label: roleLabel(a.role), holder: a.holder.name, since: showDate(a.assignedAt) })),
    ],
    roleHistory: i.roleAssignments
      .filter((a) => a.endedAt)
      .map((a) => ({ label: roleLabel(a.role), holder: a.holder.name, from: showDate(a.assignedAt), to: showDate(a.endedAt) })),
    timeline: timeline.map((e) => ({
      id: e.id,
      kind: e.kind,
      text: e.text,
      link: e.link,
      removed: e.removed,
      revised: e.revision > 1,
      author: e.author.name,
      source: e.source,
      occurredAt: showDate(e.occurredAt),
      occurredAtIso: e.occurredAt.toISOString(),
    })),
    actions: actions.map((a) => ({ id: a.id, text: a.text, owner: a.owner?.name ?? null, done: a.done, doneAt: showDate(a.doneAt) })),
    nextSteps: nextSteps(i),
    severityItems: severityItems(scale, i.severity ?? ''),
  };
}
