import { holderOf, type Incident } from '../../domain/incident.js';
import type { RoleName } from '../../domain/role.js';
import { severityLabel, type SeverityScale } from '../../domain/severity.js';
import { escapeMrkdwn, mention, slackDate } from './mrkdwn.js';

/** Which optional integrations are configured; their buttons appear only when they are. */
export interface SlackFeatures {
  readonly pager: boolean;
  readonly call: boolean;
}

/** "Open", "Closed — resolved", "Closed — blocked until …", with report-only marked. As mrkdwn. */
export function statusText(incident: Incident): string {
  const report = incident.reportOnly ? ' (report of something that already happened)' : '';
  if (incident.status === 'open') return `Open${report}`;
  if (incident.closeReason === 'resolved') return `Closed — resolved${report}`;
  if (incident.closeReason === 'blocked') {
    const until = incident.blockedUntil ? ` until ${slackDate(incident.blockedUntil, '{date_short_pretty}')}` : '';
    return `Closed — blocked${until}${report}`;
  }
  return `Closed${report}`;
}

/** The severity's label, or "Not set". Plain text: labels come from config, not from users. */
export function severityText(incident: Incident, severities: SeverityScale): string {
  return incident.severity ? severityLabel(severities, incident.severity) : 'Not set';
}

/** The holder as a mention (or name), or "Unassigned". As mrkdwn. */
export function holderText(incident: Incident, role: RoleName): string {
  const holder = holderOf(incident, role);
  return holder ? mention(holder) : '_Unassigned_';
}

/** How people reach the bot when no better form is known: the slash command works everywhere. */
export const DEFAULT_INVOCATION = '/incident';

/**
 * A command as people should type it: `/incident sev major`, or `@bot` then the command. A mention
 * (`<@U0BOT>`) stays outside the code span, where Slack would not render it.
 */
export function commandExample(invocation: string, args: string): string {
  const code = escapeMrkdwn(args);
  return invocation.startsWith('<') ? `${invocation} \`${code}\`` : `\`${escapeMrkdwn(invocation)} ${code}\``;
}
