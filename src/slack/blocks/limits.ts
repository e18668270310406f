import type { KnownBlock } from '@slack/types';
import { slackLink } from './mrkdwn.js';

/** Block Kit's limits; Slack rejects the whole message when one is exceeded. */
export const limits = {
  sectionText: 3000,
  sectionField: 2000,
  sectionFields: 10,
  contextText: 3000,
  header: 150,
  buttonText: 75,
  buttonValue: 2000,
  optionText: 75,
  blocks: 50,
  topic: 250,
  fallbackText: 3000,
} as const;

/** A message to post: blocks, and the plain `text` Slack shows in notifications and reads aloud. */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: KnownBlock[];
}

const ELLIPSIS = '…';

/** Backs off one place if `end` would split a surrogate pair (an emoji cut in half). */
function safeEnd(text: string, end: number): number {
  const code = text.charCodeAt(end - 1);
  return code >= 0xd800 && code <= 0xdbff ? end - 1 : end;
}

/** Cuts plain text to `max` characters, ending with "…" when anything was cut. */
export function truncatePlain(text: string, max: number): string {
  if (text.length <= max) return text;
  return text.slice(0, safeEnd(text, max - ELLIPSIS.length)).trimEnd() + ELLIPSIS;
}

/** Where mrkdwn can be cut without splitting a `<…>` token or an `&amp;` entity. */
function mrkdwnCut(text: string, end: number): number {
  let cut = safeEnd(text, end);
  const open = text.lastIndexOf('<', cut - 1);
  const close = open >= 0 ? text.indexOf('>', open) : -1;
  if (open >= 0 && (close === -1 || close >= cut)) cut = open;
  const amp = text.lastIndexOf('&', cut - 1);
  if (amp >= 0 && cut - amp <= 5 && !text.slice(amp, cut).includes(';')) cut = amp;
  return cut;
}

/**
 * Cuts mrkdwn to `max` characters, ending with "… see the incident page" (a link when `moreUrl`
 * is given) so the reader knows where the rest is. Never splits a mention, link or entity, and
 * closes a code block left open by the cut.
 */
export function truncateMrkdwn(text: string, max: number, moreUrl?: string | null): string {
  if (text.length <= max) return text;
  const link = moreUrl ? `${ELLIPSIS} ${slackLink(moreUrl, 'see the incident page')}` : ELLIPSIS;
  // An absurdly long URL must not eat the text it points to.
  const more = link.length <= max / 2 ? link : ELLIPSIS;
  let kept = text.slice(0, mrkdwnCut(text, Math.max(0, max - more.length - 4))).trimEnd();
  if ((kept.match(/```/g)?.length ?? 0) % 2 === 1) kept += '```';
  return `${kept}\n${more}`.slice(0, max);
}

/** Keeps a message within Slack's 50 blocks, saying where the rest is. */
export function fitBlocks(blocks: KnownBlock[], moreUrl?: string | null): KnownBlock[] {
  if (blocks.length <= limits.blocks) return blocks;
  const more = moreUrl ? `${ELLIPSIS} ${slackLink(moreUrl, 'see the incident page')} for the rest.` : `${ELLIPSIS} (shortened)`;
  return [...blocks.slice(0, limits.blocks - 1), { type: 'context', elements: [{ type: 'mrkdwn', text: more }] }];
}

/** The plain `text` of a message (notifications, screen readers), kept to a sane length. */
export function fallbackText(mrkdwn: string): string {
  return truncateMrkdwn(mrkdwn, limits.fallbackText);
}
