import type { KnownBlock } from '@slack/types';
import { holderOf, type Incident } from '../../domain/incident.js';
import { button, context, section } from './elements.js';
import { actionIds } from './ids.js';
import { fallbackText, fitBlocks, type SlackMessage } from './limits.js';
import { escapeMrkdwn, incidentUrl, keepSlackMarkup, mention, slackDate, slackLink } from './mrkdwn.js';

export interface ClosedMessageOptions {
  readonly publicUrl: string;
  /** The note given when closing, if any (typed in Slack: mentions and links are kept). */
  readonly note?: string | null;
  /** The incident is on the status page and not resolved there: offer to resolve it. */
  readonly statusPageOpen?: boolean;
}

function closedLine(incident: Incident): string {
  const ref = escapeMrkdwn(incident.reference);
  if (incident.closeReason === 'blocked') {
    const until = incident.blockedUntil ? ` until ${slackDate(incident.blockedUntil, '{date_long_pretty}')}` : '';
    return `:double_vertical_bar: *${ref} is closed — blocked${until}.* Work stops until then; reopen it when work resumes.`;
  }
  if (incident.closeReason === 'resolved') return `:white_check_mark: *${ref} is closed — resolved.*`;
  return `:white_check_mark: *${ref} is closed.*`;
}

/** Posted in the incident channel on close: the follow-ups the process asks for, addressed to people. */
export function renderClosedMessage(incident: Incident, options: ClosedMessageOptions): SlackMessage {
  const url = incidentUrl(options.publicUrl, incident);
  const comms = holderOf(incident, 'commsLead');
  const lead = holderOf(incident, 'lead');
  const tell = 'tell them it is over, through the same channels.';
  const steps = [
    comms
      ? `${mention(comms)} (comms lead): if people were told about this incident, ${tell}`
      : `Whoever told people about this incident: ${tell}`,
    `${lead ? `${mention(lead)} (incident lead)` : 'Incident lead'}: schedule the root cause analysis (RCA) session, record what it finds and share it with the team.`,
  ];
  if (options.statusPageOpen) steps.push('The status page still shows this incident: resolve it there (all its components back to operational).');
  if (incident.closeReason !== 'blocked') steps.push('Archive this channel once the work here is done.');

  const blocks: KnownBlock[] = [section(closedLine(incident), url)];
  if (options.note) blocks.push(section(`*Note:* ${keepSlackMarkup(options.note)}`, url));
  blocks.push(section(`*Next:*\n${steps.map((s) => `• ${s}`).join('\n')}`, url));
  blocks.push(context(slackLink(url, `${incident.reference} on the incident site`)));
  blocks.push({
    type: 'actions',
    elements: [
      ...(options.statusPageOpen ? [button({ actionId: actionIds.resolveStatusPage, text: 'Resolve on the status page', value: incident.id, style: 'primary' })] : []),
      // Only after a resolved close: a blocked incident has work left before anyone analyses it.
      ...(incident.closeReason === 'resolved' ? [button({ actionId: actionIds.openRca, text: 'Record the RCA', value: incident.id })] : []),
      button({ actionId: actionIds.reopen, text: 'Reopen', value: incident.id }),
      ...(incident.channel && incident.closeReason !== 'blocked' ? [button({ actionId: actionIds.archiveChannel, text: 'Archive channel', value: incident.id })] : []),
    ],
  });

  const reason = incident.closeReason ? ` (${incident.closeReason})` : '';
  return {
    text: fallbackText(`${escapeMrkdwn(incident.reference)} is closed${reason}: ${escapeMrkdwn(incident.title)}`),
    blocks: fitBlocks(blocks, url),
  };
}
