import type { Incident, SlackChannelRef } from '../../domain/incident.js';

/** Escapes the three characters Slack reads as markup, so user text shows as typed. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Slack markup worth keeping in text typed in Slack: user, channel and user-group mentions,
 * `<!here>`-style commands, date tokens and web links (with or without a label).
 */
const slackToken = new RegExp(
  [
    String.raw`<@[UW][A-Z0-9]+(?:\|[^<>|]*)?>`,
    String.raw`<#[CG][A-Z0-9]+(?:\|[^<>|]*)?>`,
    String.raw`<!(?:here|channel|everyone)(?:\|[^<>|]*)?>`,
    String.raw`<!subteam\^[A-Z0-9]+(?:\|[^<>|]*)?>`,
    String.raw`<!date\^\d+\^[^<>|]+\|[^<>|]*>`,
    String.raw`<https?://[^\s<>|]+(?:\|[^<>]*)?>`,
  ].join('|'),
  'g',
);

/**
 * Escapes user text for mrkdwn but keeps well-formed Slack tokens (`<@U1>`, `<#C1>`,
 * `<https://x|y>`), so a summary typed in Slack keeps its mentions and links while a stray `<` or
 * `&` cannot turn into markup. Broadcasts (`<!here>`) become plain words.
 */
export function keepSlackMarkup(text: string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(slackToken)) {
    out += escapeMrkdwn(text.slice(last, match.index)) + defuseBroadcast(match[0]);
    last = match.index + match[0].length;
  }
  return out + escapeMrkdwn(text.slice(last));
}

/**
 * `<!here>`, `<!channel>`, `<!everyone>` and group mentions kept as words, not as live pings: text
 * we re-post (a summary in the announcement) must not notify a whole channel again.
 */
function defuseBroadcast(token: string): string {
  const broadcast = /^<!(here|channel|everyone)(?:\|[^<>|]*)?>$/.exec(token);
  if (broadcast) return `@${broadcast[1]}`;
  const group = /^<!subteam\^[A-Z0-9]+(?:\|([^<>|]*))?>$/.exec(token);
  if (group) return escapeMrkdwn(group[1] || '@group');
  return token;
}

/** Someone we can mention: a domain `User`, or any record with a name and maybe a Slack id. */
export interface PersonLike {
  readonly name: string;
  readonly slackUserId?: string | null;
}

const slackUserIdPattern = /^[UW][A-Z0-9]+$/;
const slackChannelIdPattern = /^[CGD][A-Z0-9]+$/;

/** `<@U123>` when we know the person's Slack id, else their name, escaped. */
export function mention(person: PersonLike): string {
  const id = person.slackUserId;
  // A malformed id would otherwise break out of the token; fall back to the name.
  return id && slackUserIdPattern.test(id) ? `<@${id}>` : escapeMrkdwn(person.name);
}

/** `<#C123>` (Slack shows the current name), or `#name` when the id looks wrong. */
export function channelMention(channel: SlackChannelRef): string {
  return slackChannelIdPattern.test(channel.id) ? `<#${channel.id}>` : `#${escapeMrkdwn(channel.name)}`;
}

/** A date each reader sees in their own time zone; the ISO fallback is for old clients. */
export function slackDate(date: Date, format = '{date_short_pretty} {time}'): string {
  return `<!date^${Math.floor(date.getTime() / 1000)}^${format}|${date.toISOString()}>`;
}

/** `<url|label>`; `|` in the URL is percent-encoded because it would end the URL early. */
export function slackLink(url: string, label: string): string {
  const safeUrl = url.replace(/\|/g, '%7C').replace(/&/g, '&amp;').replace(/</g, '%3C').replace(/>/g, '%3E');
  return `<${safeUrl}|${escapeMrkdwn(label).replace(/\|/g, '¦')}>`;
}

/** The incident's living document on the incident response site. */
export function incidentUrl(publicUrl: string, incident: Pick<Incident, 'reference'>): string {
  return `${publicUrl.replace(/\/+$/, '')}/incidents/${encodeURIComponent(incident.reference)}`;
}
