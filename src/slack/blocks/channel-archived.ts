import type { Incident } from '../../domain/incident.js';
import { section } from './elements.js';
import { fallbackText, type SlackMessage } from './limits.js';
import { escapeMrkdwn, incidentUrl, slackLink } from './mrkdwn.js';

/**
 * The channel's last message, posted just before it is archived: where the record lives from now
 * on. `by` is who archived it (mrkdwn), or null when the reminder engine did, after close.
 */
export function renderChannelArchived(incident: Incident, options: { readonly publicUrl: string; readonly by: string | null }): SlackMessage {
  const url = incidentUrl(options.publicUrl, incident);
  const ref = escapeMrkdwn(incident.reference);
  const who = options.by ? `Archived by ${options.by}.` : 'Archived automatically after close.';
  const text = `:file_cabinet: *This channel is archived; the record stays at ${slackLink(url, `${incident.reference} on the incident site`)}* — its timeline, pinned messages and actions. ${who}`;
  return {
    text: fallbackText(`This channel is archived; the record stays at ${url} (${ref})`),
    blocks: [section(text, url)],
  };
}

/**
 * The answer to a reopen whose channel is archived: Slack does not let an app's bot token
 * unarchive a channel, so a person must, and nothing pretends otherwise.
 */
export function channelStaysArchivedText(incident: Incident): string {
  const channel = incident.channel ? `#${incident.channel.name}` : 'its channel';
  return `${incident.reference} is open again, but its Slack channel ${channel} stays archived: Slack does not let apps unarchive channels. Unarchive it by hand (open the channel, then its settings, then "Unarchive channel"), or work on the incident site.`;
}

/** The answer to `archive` (or `keep`) once the channel is archived already. */
export function archivedAlreadyText(incident: Incident): string {
  const when = incident.channelArchivedAt ? ` on ${incident.channelArchivedAt.toISOString().slice(0, 10)}` : '';
  return `This channel is already archived${when}. The record of ${incident.reference} stays on the incident site.`;
}
