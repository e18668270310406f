import type { ActionsBlock, Button, KnownBlock } from '@slack/types';
import { incidentWarnings, type Incident } from '../../domain/incident.js';
import type { SeverityScale } from '../../domain/severity.js';
import { button, context, fields, header, section } from './elements.js';
import { actionIds } from './ids.js';
import { holderText, severityText, statusText, type SlackFeatures } from './incident-parts.js';
import { fallbackText, fitBlocks, type SlackMessage } from './limits.js';
import { channelMention, escapeMrkdwn, incidentUrl, keepSlackMarkup, slackDate, slackLink } from './mrkdwn.js';

export interface HeadlineOptions {
  readonly publicUrl: string;
  readonly severities: SeverityScale;
  readonly features: SlackFeatures;
}

/**
 * The buttons under the announcement. Only an open incident has any; paging and calls are for
 * live incidents, not for reports of something already over.
 */
function headlineButtons(incident: Incident, features: SlackFeatures): Button[] {
  if (incident.status !== 'open') return [];
  const value = incident.id;
  const live = !incident.reportOnly;
  const buttons: Button[] = [];
  if (live && incident.channel === null) {
    buttons.push(button({ actionId: actionIds.createChannel, text: 'Create comms channel', value, style: 'primary' }));
  }
  if (live && features.pager) buttons.push(button({ actionId: actionIds.pageLead, text: 'Page on-call lead', value }));
  if (live && features.call) buttons.push(button({ actionId: actionIds.startCall, text: 'Start a call', value }));
  buttons.push(button({ actionId: actionIds.edit, text: 'Edit', value }));
  buttons.push(button({ actionId: actionIds.close, text: 'Close', value }));
  return buttons;
}

function channelText(incident: Incident): string {
  if (incident.channel) return channelMention(incident.channel);
  return incident.status === 'open' && !incident.reportOnly ? '_Not created yet_' : 'None';
}

/** The announcement in the incidents channel, updated in place as the incident changes. */
export function renderHeadline(incident: Incident, options: HeadlineOptions): SlackMessage {
  const url = incidentUrl(options.publicUrl, incident);
  const facts = [
    `*Status*\n${statusText(incident)}`,
    `*Severity*\n${escapeMrkdwn(severityText(incident, options.severities))}`,
    `*Incident lead*\n${holderText(incident, 'lead')}`,
    `*Scribe*\n${holderText(incident, 'scribe')}`,
    `*Comms lead*\n${holderText(incident, 'commsLead')}`,
    `*Channel*\n${channelText(incident)}`,
    `*${incident.reportOnly ? 'Reported' : 'Started'}*\n${slackDate(incident.startedAt)}`,
  ];
  if (incident.occurredAt) facts.push(`*Happened*\n${slackDate(incident.occurredAt)}`);

  const blocks: KnownBlock[] = [header(`${incident.reference}: ${incident.title}`)];
  if (incident.private) blocks.push(context(':lock: *Private* — only the people involved can see it.'));
  if (incident.drill) blocks.push(context(':test_tube: *Drill* — a drill or test, not a real incident. It is left out of the metrics.'));
  blocks.push(fields(facts, url));
  if (incident.summary) blocks.push(section(`*Summary*\n${keepSlackMarkup(incident.summary)}`, url));
  if (incident.impact) blocks.push(section(`*Impact*\n${keepSlackMarkup(incident.impact)}`, url));
  for (const warning of incidentWarnings(incident)) blocks.push(context(`:warning: ${escapeMrkdwn(warning.message)}`));
  blocks.push(context(`${slackLink(url, 'Open the incident page')} — the living document for ${escapeMrkdwn(incident.reference)}`));
  const buttons = headlineButtons(incident, options.features);
  if (buttons.length > 0) blocks.push({ type: 'actions', elements: buttons } satisfies ActionsBlock);

  return { text: fallbackText(headlineText(incident)), blocks: fitBlocks(blocks, url) };
}

function headlineText(incident: Incident): string {
  const title = escapeMrkdwn(incident.title);
  const privacy = `${incident.drill ? ' (drill)' : ''}${incident.private ? ' (private)' : ''}`;
  if (incident.status === 'closed') return `${incident.reference} closed${privacy}: ${title}`;
  const verb = incident.reportOnly ? 'reported' : 'declared';
  return `${incident.reference} ${verb}${privacy}: ${title}`;
}
