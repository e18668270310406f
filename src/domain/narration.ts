import type { DomainEvent } from './events.js';
import { formatDuration } from './duration.js';
import { nudgeLabels } from './nudges.js';
import { describePageTarget } from './page.js';
import { roleLabel } from './role.js';
import { severityLabel, type SeverityScale } from './severity.js';
import { publicStatusLabels } from './status-page.js';
import type { TimelineKind } from './timeline.js';

/** A line the app writes on the timeline by itself when something happens. */
export interface Narration {
  readonly kind: TimelineKind;
  readonly text: string;
}

const rcaFieldLabels: Readonly<Record<string, string>> = {
  rootCause: 'root cause',
  contributingFactors: 'contributing factors',
  wentWell: 'what went well',
  wentBadly: 'what went badly',
};

function shown(value: string | boolean | null): string {
  if (value === null) return 'nothing';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return value;
}

/**
 * Tells an event as a timeline line, so the living document shows who took which role and how
 * the summary and severity evolved. Events that are themselves timeline edits tell nothing.
 */
export function narrate(event: DomainEvent, severities: SeverityScale): Narration | null {
  switch (event.type) {
    case 'incident.declared':
      return {
        kind: 'declared',
        text: event.reportOnly ? `Reported (already happened): ${event.title}` : `Declared: ${event.title}`,
      };
    case 'incident.field_changed': {
      if (event.field === 'private') {
        return { kind: 'fieldChange', text: event.to ? 'Made private' : 'Made public' };
      }
      const label = event.field === 'title' ? 'Title' : event.field[0]!.toUpperCase() + event.field.slice(1);
      const value = (v: string | boolean | null) =>
        event.field === 'severity' && typeof v === 'string' ? severityLabel(severities, v) : shown(v);
      if (event.to === null) return { kind: 'fieldChange', text: `${label} cleared (was ${value(event.from)})` };
      if (event.field === 'severity') {
        const was = event.from === null ? '' : ` (was ${value(event.from)})`;
        return { kind: 'fieldChange', text: `Severity set to ${value(event.to)}${was}` };
      }
      return { kind: 'fieldChange', text: `${label} set to: ${value(event.to)}` };
    }
    case 'incident.role_assigned': {
      const handOver = event.previous ? ` (handed over from ${event.previous.name})` : '';
      return { kind: 'role', text: `${event.holder.name} is now ${roleLabel(event.role)}${handOver}` };
    }
    case 'incident.role_unassigned':
      return { kind: 'role', text: `${event.previous.name} is no longer ${roleLabel(event.role)}; the role is unfilled` };
    case 'incident.closed': {
      const note = event.note ? ` — ${event.note}` : '';
      if (event.reason === 'resolved') return { kind: 'closed', text: `Closed: resolved${note}` };
      const until = event.blockedUntil ? ` until ${event.blockedUntil}` : '';
      return { kind: 'closed', text: `Closed: blocked${until}${note}` };
    }
    case 'incident.channel_linked':
      return event.previous
        ? { kind: 'fieldChange', text: `Comms channel renamed to #${event.channel.name} (was #${event.previous.name})` }
        : { kind: 'fieldChange', text: `Comms channel #${event.channel.name} created` };
    case 'incident.person_added':
      return {
        kind: 'role',
        text: event.how === 'channel' ? `${event.person.name} joined the Slack channel` : `${event.person.name} was added to the people involved`,
      };
    case 'incident.person_removed':
      return {
        kind: 'role',
        text: event.how === 'channel' ? `${event.person.name} left the Slack channel` : `${event.person.name} was removed from the people involved`,
      };
    case 'incident.reopened':
      return { kind: 'reopened', text: 'Reopened' };
    case 'incident.channel_archived':
      return {
        kind: 'fieldChange',
        text: event.by ? `Slack channel #${event.channel.name} archived by ${event.by.name}` : `Slack channel #${event.channel.name} archived automatically after close`,
      };
    case 'incident.promoted':
      return { kind: 'fieldChange', text: 'Promoted from a report to a live incident' };
    case 'action.added': {
      const owner = event.owner ? ` (owner: ${event.owner.name})` : '';
      return { kind: 'action', text: `Action: ${event.text}${owner}` };
    }
    // Raised is not sent: the timeline tells a reminder once it reached people (never one that
    // Slack refused, or that was answered before it could be delivered).
    case 'nudge.sent':
      return null;
    case 'nudge.delivered':
      return { kind: 'reminder', text: `Reminder sent: ${nudgeLabels[event.kind]}` };
    case 'nudge.snoozed':
      return { kind: 'reminder', text: `Reminder snoozed until ${event.until.slice(11, 16)} UTC: ${nudgeLabels[event.kind]}` };
    case 'nudge.stopped':
      return { kind: 'reminder', text: event.kind === 'archive' ? 'The channel will be kept (not archived automatically)' : `Reminders stopped: ${nudgeLabels[event.kind]}` };
    case 'checkins.scheduled':
      return { kind: 'reminder', text: event.everyMs === null ? 'Team check-ins stopped' : `Team check-ins every ${formatDuration(event.everyMs)}` };
    case 'incident.update_posted':
      return { kind: 'update', text: `Stakeholder update: ${event.text}` };
    case 'statuspage.published': {
      const what = event.first ? 'Published to the status page' : 'Status page updated';
      const override = event.privateOverride ? ' (published although the incident is private)' : '';
      return { kind: 'statusPage', text: `${what}: ${publicStatusLabels[event.status]} — ${event.message}${override}` };
    }
    case 'statuspage.linked':
      return { kind: 'statusPage', text: `On ${event.service}: ${event.link ?? 'created (it gave no link)'}` };
    case 'rca.publish_requested':
      // Audit only, unless it overrode privacy: then the timeline says so, as for the status page.
      return event.privateOverride ? { kind: 'fieldChange', text: `RCA to be published to ${event.target} although the incident is private` } : null;
    case 'rca.published':
      return { kind: 'fieldChange', text: `RCA ${event.first ? 'published to' : 'updated on'} ${event.target}: ${event.url}` };
    case 'rca.shared': {
      const where = event.channels.map((c) => (/^[CG][A-Z0-9]+$/.test(c) ? c : `#${c}`)).join(', ');
      return { kind: 'fieldChange', text: `RCA summary shared to Slack: ${where}${event.privateOverride ? ' (shared although the incident is private)' : ''}` };
    }
    case 'page.requested':
      return null;
    case 'page.sent': {
      const onCall = event.onCall && event.onCall.length > 0 ? ` On call: ${event.onCall.join(', ')}.` : '';
      return {
        kind: 'page',
        text: `Paged ${describePageTarget(event.target)}: ${event.message} — asked by ${event.requestedBy.name}.${onCall} (PagerDuty key ${event.dedupKey})`,
      };
    }
    case 'page.acknowledged':
      return { kind: 'page', text: `Acknowledged by ${event.by} in PagerDuty (page to ${describePageTarget(event.target)})` };
    case 'page.ended':
      return event.cancelled
        ? { kind: 'page', text: `Page to ${describePageTarget(event.target)} not sent: the incident closed first` }
        : { kind: 'page', text: `Page to ${describePageTarget(event.target)} resolved in PagerDuty (key ${event.dedupKey})` };
    case 'rca.session_recorded': {
      const who = event.attendees.map((a) => a.name).join(', ');
      return { kind: 'fieldChange', text: `RCA session ${event.first ? 'recorded' : 'changed'}: ${event.heldOn}, with ${who}` };
    }
    case 'rca.outcome_recorded':
      return { kind: 'fieldChange', text: `RCA outcome recorded (${event.fields.map((f) => rcaFieldLabels[f] ?? f).join(', ')})` };
    case 'rca.completed':
      return { kind: 'fieldChange', text: 'RCA marked complete' };
    case 'rca.reopened':
      return { kind: 'fieldChange', text: 'RCA back to draft' };
    case 'follow_up.added':
      return { kind: 'action', text: `Follow-up: ${event.text} (owner: ${event.owner.name}, due ${event.dueOn})` };
    case 'follow_up.completed':
      return { kind: 'action', text: `Follow-up done: ${event.text}` };
    case 'follow_up.reopened':
      return { kind: 'action', text: `Follow-up reopened: ${event.text}` };
    case 'follow_up.updated':
    case 'action.completed':
    case 'action.reopened':
    case 'action.updated':
    case 'timeline.entry_added':
    case 'timeline.entry_revised':
    case 'timeline.entry_removed':
      return null;
  }
}
