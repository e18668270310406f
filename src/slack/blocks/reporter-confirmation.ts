import type { Incident } from '../../domain/incident.js';
import { section } from './elements.js';
import { fallbackText, type SlackMessage } from './limits.js';
import { escapeMrkdwn, incidentUrl, slackLink } from './mrkdwn.js';

export interface ReporterConfirmationOptions {
  readonly publicUrl: string;
  /** Where the announcement went, e.g. the id of #incidents. */
  readonly announcementChannelId?: string;
}

/** The ephemeral reply to whoever declared: it worked, and what to do next. */
export function renderReporterConfirmation(incident: Incident, options: ReporterConfirmationOptions): SlackMessage {
  const url = incidentUrl(options.publicUrl, incident);
  const ref = escapeMrkdwn(incident.reference);
  const channelId = options.announcementChannelId;
  const where = channelId && /^[CG][A-Z0-9]+$/.test(channelId) ? ` and announced in <#${channelId}>` : '';
  const text = incident.reportOnly
    ? `${ref} recorded${where}. Next: add what happened and its impact on ${slackLink(url, 'the incident page')}.`
    : incident.status === 'open' && incident.channel === null
      ? `${ref} declared${where}. Next: create the comms channel and page the on-call lead.`
      : `${ref} declared${where}. Next: page the on-call lead.`;
  return { text: fallbackText(text), blocks: [section(text, url)] };
}
