import type { Action } from './action.js';
import { formatDuration } from './duration.js';
import type { RcaReport } from './rca.js';
import { createRedactor, type MaskedInField, type RedactionPattern } from './redaction.js';
import { roleLabel } from './role.js';
import { severityLabel, type SeverityScale } from './severity.js';

/*
 * The RCA as a document that leaves the site: one outline (rcaOutline) that every renderer
 * follows — Markdown, Confluence storage format here, the print page and the Slack summary
 * elsewhere — so they never disagree about what an RCA says. Renderers take a report that has
 * already been through redactRcaReport.
 */

export interface RcaDocumentOptions {
  readonly severities: SeverityScale;
  /** The RCA page on the site, linked from every copy. */
  readonly rcaUrl: string;
}

/** A redacted report and what was masked in it, field by field. */
export interface RedactedRcaReport {
  readonly report: RcaReport;
  readonly masked: readonly MaskedInField[];
}

const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** Every free-text field of the report masked (title, summary, impact, timeline, actions, follow-ups, outcome). */
export function redactRcaReport(report: RcaReport, patterns: readonly RedactionPattern[]): RedactedRcaReport {
  const r = createRedactor(patterns);
  const { incident, rca } = report;
  const action = (a: Action, field: string): Action => ({ ...a, text: r.text(a.text, field) });
  const redacted: RcaReport = {
    ...report,
    incident: { ...incident, title: r.text(incident.title, 'Title'), summary: r.text(incident.summary, 'Summary'), impact: r.text(incident.impact, 'Impact') },
    rca: rca && {
      ...rca,
      rootCause: r.text(rca.rootCause, 'Root cause'),
      contributingFactors: r.text(rca.contributingFactors, 'Contributing factors'),
      wentWell: r.text(rca.wentWell, 'What went well'),
      wentBadly: r.text(rca.wentBadly, 'What went badly'),
    },
    timeline: report.timeline.map((e) => ({
      ...e,
      text: r.text(e.text, `Timeline, ${utc(e.occurredAt)}`),
      link: r.text(e.link, `Timeline, ${utc(e.occurredAt)} (link)`),
    })),
    actions: report.actions.map((a, i) => action(a, `Action ${i + 1}`)),
    followUps: report.followUps.map((a, i) => action(a, `Follow-up ${i + 1}`)),
  };
  return { report: redacted, masked: r.masked() };
}

/** The title the RCA goes by outside the site (the Confluence page's title: unique in its space). */
export function rcaDocumentTitle(report: RcaReport): string {
  return `RCA ${report.incident.reference}: ${report.incident.title}`;
}

export interface RcaOutline {
  readonly title: string;
  /** Label and value pairs: reference, severity, status, dates, roles, the session. */
  readonly facts: readonly { readonly label: string; readonly value: string }[];
  readonly durations: readonly { readonly label: string; readonly value: string }[];
  /** Summary, impact and the outcome, in reading order; text null: nothing recorded. */
  readonly sections: readonly { readonly heading: string; readonly text: string | null }[];
  readonly followUps: readonly { readonly text: string; readonly owner: string | null; readonly dueOn: string | null; readonly done: boolean }[];
  readonly timeline: readonly { readonly at: string; readonly author: string; readonly text: string; readonly link: string | null }[];
  readonly actions: readonly { readonly text: string; readonly owner: string | null; readonly done: boolean }[];
  readonly rcaUrl: string;
}

const ms = (value: number | null, none: string) => (value === null ? none : formatDuration(value));

/** What every copy of the RCA says, in order, as plain strings. */
export function rcaOutline(report: RcaReport, options: RcaDocumentOptions): RcaOutline {
  const { incident, rca, durations } = report;
  const roles = incident.roleAssignments.filter((a) => a.endedAt === null).map((a) => ({ label: roleLabel(a.role), value: a.holder.name }));
  return {
    title: rcaDocumentTitle(report),
    facts: [
      { label: 'Reference', value: incident.reference },
      { label: 'Severity', value: incident.severity ? severityLabel(options.severities, incident.severity) : 'Not set' },
      { label: 'Status', value: `${incident.status}${incident.closeReason ? ` (${incident.closeReason})` : ''}` },
      { label: 'Started', value: utc(incident.startedAt) },
      { label: 'Ended', value: incident.endedAt ? utc(incident.endedAt) : 'Still open' },
      ...roles,
      { label: 'RCA session', value: rca?.heldOn ?? 'Not held yet' },
      ...(rca && rca.attendees.length > 0 ? [{ label: 'Attendees', value: rca.attendees.map((u) => u.name).join(', ') }] : []),
      ...(rca ? [{ label: 'RCA status', value: rca.status === 'complete' ? 'Complete' : 'Draft' }] : []),
    ],
    durations: [
      { label: 'To lead assigned', value: ms(durations.toLeadMs, 'No lead') },
      { label: 'To first update', value: ms(durations.toFirstUpdateMs, 'No update') },
      { label: 'To close', value: ms(durations.toCloseMs, 'Still open') },
    ],
    sections: [
      { heading: 'Summary', text: incident.summary },
      { heading: 'Impact', text: incident.impact },
      { heading: 'Root cause', text: rca?.rootCause ?? null },
      { heading: 'Contributing factors', text: rca?.contributingFactors ?? null },
      { heading: 'What went well', text: rca?.wentWell ?? null },
      { heading: 'What went badly', text: rca?.wentBadly ?? null },
    ],
    followUps: report.followUps.map((a) => ({ text: a.text, owner: a.owner?.name ?? null, dueOn: a.dueOn, done: a.done })),
    timeline: report.timeline.map((e) => ({ at: utc(e.occurredAt), author: e.author.name, text: e.text, link: e.link })),
    actions: report.actions.map((a) => ({ text: a.text, owner: a.owner?.name ?? null, done: a.done })),
    rcaUrl: options.rcaUrl,
  };
}

const oneLineText = (text: string) => text.replace(/\s*\n\s*/g, ' ');

/** The RCA as Markdown (the download on the publish page). */
export function renderRcaMarkdown(report: RcaReport, options: RcaDocumentOptions): string {
  const o = rcaOutline(report, options);
  const lines = [
    `# ${o.title}`,
    '',
    ...o.facts.map((f) => `- **${f.label}:** ${f.value}`),
    '',
    ...o.sections.flatMap((s) => [`## ${s.heading}`, '', s.text ?? '_None recorded._', '']),
    '## Durations',
    '',
    ...o.durations.map((d) => `- **${d.label}:** ${d.value}`),
    '',
    '## Follow-up actions',
    '',
    ...(o.followUps.length === 0
      ? ['_None agreed._']
      : o.followUps.map((f) => `- [${f.done ? 'x' : ' '}] ${oneLineText(f.text)} — ${f.owner ?? 'no owner'}${f.dueOn ? `, due ${f.dueOn}` : ''}`)),
    '',
    '## Timeline',
    '',
    ...(o.timeline.length === 0 ? ['_No entries._'] : o.timeline.map((e) => `- ${e.at} — ${e.author}: ${oneLineText(e.text)}${e.link ? ` (${e.link})` : ''}`)),
    '',
    '## Actions during the incident',
    '',
    ...(o.actions.length === 0 ? ['_None._'] : o.actions.map((a) => `- [${a.done ? 'x' : ' '}] ${oneLineText(a.text)}${a.owner ? ` — ${a.owner}` : ''}`)),
    '',
    `The record: ${o.rcaUrl}`,
    '',
  ];
  return lines.join('\n');
}

// XML 1.0 cannot carry most control characters, escaped or not.
// eslint-disable-next-line no-control-regex
const xmlInvalid = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Text made safe for Confluence's storage format (XHTML): escaped, line breaks kept. */
export function escapeStorage(text: string): string {
  return text
    .replace(xmlInvalid, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\r?\n/g, '<br />');
}

// Only web links become anchors: a `javascript:` link typed into the timeline stays text.
const storageLink = (link: string) =>
  /^https?:\/\//i.test(link) ? `<a href="${escapeStorage(link)}">${escapeStorage(link)}</a>` : escapeStorage(link);

const table = (headers: readonly string[] | null, rows: readonly (readonly string[])[]) =>
  `<table><tbody>${headers ? `<tr>${headers.map((h) => `<th>${escapeStorage(h)}</th>`).join('')}</tr>` : ''}${rows
    .map((r) => `<tr>${r.map((cell) => `<td>${cell}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;

/** The RCA in Confluence's storage format (XHTML), the body of its page. Cells are escaped here. */
export function renderRcaStorage(report: RcaReport, options: RcaDocumentOptions): string {
  const o = rcaOutline(report, options);
  const e = escapeStorage;
  const none = (what: string) => `<p><em>${e(what)}</em></p>`;
  return [
    `<p>This page is published from the incident response site; edits here are replaced when it is published again. The record: ${storageLink(o.rcaUrl)}</p>`,
    table(null, o.facts.map((f) => [`<strong>${e(f.label)}</strong>`, e(f.value)])),
    ...o.sections.map((s) => `<h2>${e(s.heading)}</h2>${s.text ? `<p>${e(s.text)}</p>` : none('None recorded.')}`),
    `<h2>Durations</h2>${table(['Measure', 'Time'], o.durations.map((d) => [e(d.label), e(d.value)]))}`,
    `<h2>Follow-up actions</h2>${
      o.followUps.length === 0
        ? none('None agreed.')
        : table(['Action', 'Owner', 'Due', 'Done'], o.followUps.map((f) => [e(f.text), e(f.owner ?? 'No owner'), e(f.dueOn ?? '—'), f.done ? 'Yes' : 'No']))
    }`,
    `<h2>Timeline</h2>${
      o.timeline.length === 0
        ? none('No entries.')
        : table(['Time', 'Who', 'What'], o.timeline.map((t) => [e(t.at), e(t.author), `${e(t.text)}${t.link ? `<br />${storageLink(t.link)}` : ''}`]))
    }`,
    `<h2>Actions during the incident</h2>${
      o.actions.length === 0 ? none('None.') : table(['Action', 'Owner', 'Done'], o.actions.map((a) => [e(a.text), e(a.owner ?? '—'), a.done ? 'Yes' : 'No']))
    }`,
  ].join('\n');
}
