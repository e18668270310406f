import type { Incident } from '../../domain/incident.js';
import { section } from './elements.js';
import { fallbackText, type SlackMessage } from './limits.js';
import { escapeMrkdwn, slackLink } from './mrkdwn.js';

/** What `call` or "Start a call" answers when no CALL_URL_TEMPLATE is set: how to set one. */
export const callNotConfiguredText =
  'No conference call is set up here yet. Ask whoever runs this app to set CALL_URL_TEMPLATE to your team\'s ' +
  'Zoom, Meet or Teams link, or to a template like https://meet.jit.si/your-team-{reference} for one room per incident, ' +
  'then restart it. Until then, share a call link in this channel by hand.';

/** The channel hears that a call started, with the link (also bookmarked in the channel). */
export function renderCallStarted(link: string, by: string): SlackMessage {
  const text = `:telephone_receiver: Conference call started — ${slackLink(link, 'join the call')} — ${by}`;
  return { text: fallbackText(`Conference call started: ${link}`), blocks: [section(text)] };
}

/** The answer to someone who asks for a call: the link, since they may not see the channel's message. */
export function renderCallReply(incident: Pick<Incident, 'reference'>, link: string, reused: boolean): string {
  const what = reused ? `${escapeMrkdwn(incident.reference)} already has a call` : `Call started for ${escapeMrkdwn(incident.reference)}`;
  return `${what}: ${slackLink(link, link)}`;
}
