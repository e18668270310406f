import { formatDuration } from './duration.js';
import type { ExportedPerson, IncidentExport } from './incident-export.js';
import { roleLabel } from './role.js';
import { severityLabel, type SeverityScale } from './severity.js';

const who = (p: ExportedPerson | null) => (p ? p.name : 'nobody');
const when = (iso: string) => iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');
const since = (from: string, to: string | null | undefined) => (to ? formatDuration(new Date(to).getTime() - new Date(from).getTime()) : '—');

/** A readable record of an exported incident (what an RCA starts from): fields, durations, roles, timeline, actions. */
export function renderIncidentMarkdown(doc: IncidentExport, severities: SeverityScale): string {
  const i = doc.incident;
  const firstLead = i.roles.find((r) => r.role === 'lead');
  const firstUpdate = doc.timeline.find((e) => e.kind === 'update');
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
    `- **To lead assigned:** ${since(i.startedAt, firstLead?.assignedAt)}`,
    `- **To first update:** ${since(i.startedAt, firstUpdate?.occurredAt)}`,
    `- **To close:** ${since(i.startedAt, i.endedAt)}`,
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
    ...(doc.actions.length === 0
      ? ['_No actions._']
      : doc.actions.map((a) => `- [${a.done ? 'x' : ' '}] ${a.text}${a.owner ? ` — ${who(a.owner)}` : ''}`)),
    '',
  ];
  return lines.join('\n');
}
