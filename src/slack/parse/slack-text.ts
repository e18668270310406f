/**
 * Text as Slack sends it: `&`, `<` and `>` typed by people arrive as entities, while `<@U1>`,
 * `<#C1|name>` and `<https://…|label>` are markup. We keep the markup and decode the entities,
 * so the record reads as typed and renderers can tell markup from text.
 */
export function fromSlackText(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

const SLACK_TS = /^(\d{1,12})(?:\.(\d{1,6}))?$/;

/**
 * A Slack message timestamp (`1700000000.000100`) as the moment it was sent; null for anything
 * else (an Invalid Date would fail the write of the whole pin), so the caller's "now" stands in.
 */
export function slackTsToDate(ts: string): Date | null {
  const match = SLACK_TS.exec(ts);
  if (!match) return null;
  const micros = Number((match[2] ?? '0').padEnd(6, '0'));
  const date = new Date(Number(match[1]) * 1000 + Math.floor(micros / 1000));
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * Text copied from Slack onto the timeline: a message can be longer than an entry keeps, so the
 * rest is cut with a pointer to the original rather than the copy being refused.
 */
export function copiedText(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = '\n… (shortened: the full message is at the link)';
  return text.slice(0, max - note.length) + note;
}
