import { formatDuration } from './duration.js';
import { durationsFromMoments, stakeholderUpdateKinds } from './incident-durations.js';
import type { ExportedPerson, IncidentExport } from './incident-export.js';
import { roleLabel } from './role.js';
import { severityLabel, type SeverityScale } from './severity.js';

const who = (p: ExportedPerson | null) => (p ? p.name : 'nobody');
const when = (iso: string) => iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');
const shown = (ms: number | null) => (ms === null ? '—' : formatDuration(ms));
const earliest = (isos: readonly string[]): Date | null => (isos.length === 0 ? null : new Date(Math.min(...isos.map((t) => Date.parse(t)))));
const updateKinds: readonly string[] = stakeholderUpdateKinds;

/** A readable record of an exported incident (what an RCA starts from): fields, durations, roles, timeline, actions. */
export function renderIncidentMarkdown(doc: IncidentExport, severities: SeverityScale): string {
  const i = doc.incident;
  // The same rule as the RCA page and the metrics (incidentDurations), read from the document.
  const durations = durationsFromMoments({
    startedAt: new Date(i.startedAt),
    firstLeadAt: earliest(i.roles.filter((r) => r.role === 'lead').map((r) => r.assignedAt)),
    firstUpdateAt: earliest(doc.timeline.filter((e) => !e.removed && updateKinds.includes(e.kind)).map((e) => e.occurredAt)),
    endedAt: i.endedAt ? new Date(i.endedAt) : null,
  });
  // Follow-ups agreed at the RCA have their own section.
  const actions = doc.actions.filter((a) => !a.followUp);
  const lines = [
    `# ${i.reference}: ${i.title}`,
    '',
    `- **Reference:** ${i.reference}`,
    `- **Status:** ${i.status}${i.closeReason ? ` (${i.closeReason})` : ''}`,
    `- **Severity:** ${i.severity ? severityLabel(severities, i.severity) : 'not set'}`,
    `- **Started:** ${when(i.startedAt)}`,
    `- **Ended:** ${i.endedAt ? when(i.endedAt) : 'still open'}`,
    `- **Reporter:** ${who(i.reporter)}`,
    ...(i.private ? ['- **Private:** yes'] : []),
    '',
    '## Summary',
    '',
    i.summary ?? '_None recorded._',
    '',
    '## Impact',
    '',
    i.impact ?? '_None recorded._',
    '',
    '## Durations',
    '',
    `- **To lead assigned:** ${shown(durations.toLeadMs)}`,
    `- **To first update:** ${shown(durations.toFirstUpdateMs)}`,
    `- **To close:** ${shown(durations.toCloseMs)}`,
    '',
    '## Roles',
    '',
    ...(i.roles.length === 0
      ? ['_No roles assigned._']
      : i.roles.map((r) => `- **${roleLabel(r.role)}:** ${who(r.holder)}, from ${when(r.assignedAt)}${r.endedAt ? ` to ${when(r.endedAt)}` : ''}`)),
    '',
    '## Timeline',
    '',
    ...(doc.timeline.filter((e) => !e.removed).length === 0
      ? ['_No entries._']
      : doc.timeline
          .filter((e) => !e.removed)
          .map((e) => `- ${when(e.occurredAt)} — ${who(e.author)}: ${e.text.replace(/\s*\n\s*/g, ' ')}${e.link ? ` (${e.link})` : ''}${e.revisions.length > 1 ? ' _(corrected)_' : ''}`)),
    '',
    '## Actions',
    '',
    ...(actions.length === 0 ? ['_No actions._'] : actions.map((a) => `- [${a.done ? 'x' : ' '}] ${a.text}${a.owner ? ` — ${who(a.owner)}` : ''}`)),
    '',
    ...renderRcaMarkdown(doc),
  ];
  return lines.join('\n');
}

const paragraph = (text: string | null | undefined) => text ?? '_Not recorded._';

/** The RCA's session, outcome and follow-ups; nothing when no RCA was started and no follow-up agreed. */
function renderRcaMarkdown(doc: IncidentExport): string[] {
  const rca = doc.rca ?? null;
  const followUps = doc.actions.filter((a) => a.followUp);
  if (!rca && followUps.length === 0) return [];
  return [
    '## Root cause analysis',
    '',
    `- **Status:** ${rca?.status ?? 'not started'}`,
    `- **Session:** ${rca?.heldOn ?? 'not recorded'}`,
    `- **Attendees:** ${rca && rca.attendees.length > 0 ? rca.attendees.map((p) => p.name).join(', ') : 'not recorded'}`,
    '',
    '### Root cause',
    '',
    paragraph(rca?.rootCause),
    '',
    '### Contributing factors',
    '',
    paragraph(rca?.contributingFactors),
    '',
    '### What went well',
    '',
    paragraph(rca?.wentWell),
    '',
    '### What went badly',
    '',
    paragraph(rca?.wentBadly),
    '',
    '## Follow-ups',
    '',
    ...(followUps.length === 0
      ? ['_No follow-ups._']
      : followUps.map((a) => `- [${a.done ? 'x' : ' '}] ${a.text}${a.owner ? ` — ${who(a.owner)}` : ''}${a.dueOn ? `, due ${a.dueOn}` : ''}`)),
    '',
  ];
}
