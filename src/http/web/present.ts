import { slackMarkupToHtml } from './slack-markup.js';
import type { Action } from '../../domain/action.js';
import { formatDuration, incidentDuration } from '../../domain/duration.js';
import { currentAssignments, holderOf, incidentWarnings, type Incident } from '../../domain/incident.js';
import { builtInRoles, roleLabel } from '../../domain/role.js';
import { severityLabel, type SeverityScale } from '../../domain/severity.js';
import { type AddableTimelineKind, type TimelineEntry, type TimelineKind, type TimelineRevision } from '../../domain/timeline.js';
import type { User } from '../../domain/user.js';

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

const kindLabels: Record<TimelineKind, string> = {
  declared: 'Declared',
  role: 'Role change',
  fieldChange: 'Change',
  pinnedMessage: 'Pinned message',
  note: 'Note',
  action: 'Action',
  page: 'Page',
  statusPage: 'Status page update',
  call: 'Call',
  closed: 'Closed',
  reopened: 'Reopened',
  custom: 'Other',
  reminder: 'Reminder',
  update: 'Stakeholder update',
};

/** The kinds a person may add, "Note" first (the default); the select's `value` picks one. */
export function timelineKindItems() {
  const order: readonly AddableTimelineKind[] = ['note', 'call', 'page', 'statusPage', 'pinnedMessage', 'custom'];
  return order.map((k) => ({ value: k, text: kindLabels[k] }));
}

/** One timeline entry with the links to correct, remove and trace it. */
export function presentTimelineEntry(reference: string, e: TimelineEntry, names: ReadonlyMap<string, string> = new Map()) {
  const base = `/incidents/${reference}/timeline/${e.id}`;
  return {
    id: e.id,
    kind: e.kind,
    kindLabel: kindLabels[e.kind],
    text: e.text,
    /** Safe by construction (see slack-markup.ts): mentions as names, links as links, the rest escaped. */
    html: slackMarkupToHtml(e.text, names),
    link: e.link,
    removed: e.removed,
    revised: e.revision > 1,
    author: e.author.name,
    source: e.source,
    updatedBy: e.updatedBy.name,
    updatedAt: showDate(e.updatedAt),
    occurredAt: showDate(e.occurredAt),
    occurredAtIso: e.occurredAt.toISOString(),
    editHref: `${base}/edit`,
    removeHref: `${base}/remove`,
    historyHref: `${base}/history`,
  };
}

/** An entry's revisions, newest first: what it said, who changed it, when and from where. */
export function presentRevisions(revisions: TimelineRevision[]) {
  return revisions
    .map((r, i) => ({
      revision: r.revision,
      what: r.revision === 1 ? 'Written' : r.removed && !revisions[i - 1]?.removed ? 'Removed' : 'Corrected',
      kindLabel: kindLabels[r.kind],
      text: r.text,
      link: r.link,
      removed: r.removed,
      occurredAt: showDate(r.occurredAt),
      by: r.revisedBy.name,
      source: r.source,
      at: showDate(r.revisedAt),
      atIso: r.revisedAt.toISOString(),
    }))
    .reverse();
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
    drill: i.drill,
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

/** The role rows: the reporter, every built-in role (filled or not), then custom roles in use. */
function presentRoles(i: Incident, viewer: User | null) {
  const current = currentAssignments(i);
  const rows = [
    ...builtInRoles.map((role) => current.find((a) => a.role === role) ?? role),
    ...current.filter((a) => !(builtInRoles as readonly string[]).includes(a.role)),
  ];
  return rows.map((row) => {
    if (typeof row === 'string') return { role: row, label: roleLabel(row), holder: null, since: null, mine: false };
    return { role: row.role, label: roleLabel(row.role), holder: row.holder.name, since: showDate(row.assignedAt), mine: row.holder.id === viewer?.id };
  });
}

/**
 * Everyone involved, one row per person with every way they are (reporter, a role, added by
 * someone, in the Slack channel); only an `added` person can be removed here.
 */
export function presentPeople(i: Incident) {
  const rows = new Map<string, { userId: string; name: string; ways: string[]; removable: boolean }>();
  const row = (user: User) => {
    const found = rows.get(user.id) ?? { userId: user.id, name: user.name, ways: [], removable: false };
    rows.set(user.id, found);
    return found;
  };
  row(i.reporter).ways.push('Reporter');
  const current = new Set(currentAssignments(i));
  for (const a of [...current, ...i.roleAssignments.filter((a) => !current.has(a))]) {
    const way = current.has(a) ? roleLabel(a.role) : `${roleLabel(a.role)} (earlier)`;
    if (!row(a.holder).ways.includes(way)) row(a.holder).ways.push(way);
  }
  for (const p of i.people) {
    const entry = row(p.user);
    if (p.how === 'channel') entry.ways.push('In the Slack channel');
    else {
      entry.ways.push(`Added by ${p.addedBy.name}, ${showDate(p.addedAt)}`);
      entry.removable = true;
    }
  }
  return [...rows.values()];
}

export function presentIncidentPage(
  i: Incident,
  timeline: TimelineEntry[],
  actions: Action[],
  scale: SeverityScale,
  now: Date,
  viewer: User | null = null,
  names: ReadonlyMap<string, string> = new Map(),
) {
  return {
    incident: {
      id: i.id,
      reference: i.reference,
      title: i.title,
      summary: i.summary,
      impact: i.impact,
      summaryHtml: i.summary ? slackMarkupToHtml(i.summary, names) : null,
      impactHtml: i.impact ? slackMarkupToHtml(i.impact, names) : null,
      severity: i.severity,
      severityTag: severityTag(i, scale),
      status: i.status,
      statusTag: statusTag(i),
      closeReason: i.closeReason,
      reportOnly: i.reportOnly,
      private: i.private,
      drill: i.drill,
      started: showDate(i.startedAt),
      occurred: showDate(i.occurredAt),
      ended: showDate(i.endedAt),
      blockedUntil: showDate(i.blockedUntil),
      duration: formatDuration(incidentDuration(i, now)),
      channel: i.channel,
      channelArchived: showDate(i.channelArchivedAt),
      reporter: i.reporter.name,
      warnings: incidentWarnings(i).map((w) => w.message),
    },
    reporter: { label: 'Incident reporter', holder: i.reporter.name, since: showDate(i.startedAt) },
    roles: presentRoles(i, viewer),
    people: presentPeople(i),
    roleHistory: i.roleAssignments
      .filter((a) => a.endedAt)
      .map((a) => ({ label: roleLabel(a.role), holder: a.holder.name, from: showDate(a.assignedAt), to: showDate(a.endedAt) })),
    timeline: timeline.map((e) => presentTimelineEntry(i.reference, e, names)),
    actions: actions.map((a) => ({
      id: a.id,
      text: a.text,
      owner: a.owner?.name ?? null,
      done: a.done,
      doneAt: showDate(a.doneAt),
      doneHref: `/incidents/${i.reference}/actions/${a.id}/done`,
    })),
    kindItems: timelineKindItems(),
    nextSteps: nextSteps(i),
    severityItems: severityItems(scale, i.severity ?? ''),
  };
}
