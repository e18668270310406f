/**
 * Text typed in Slack keeps Slack's markup (`<@U123>`, `<#C1|ops>`, `<https://x|label>`). On the
 * site it reads as Slack shows it — mentions as names, links as links — and nothing else in it
 * can become HTML: every other character is escaped.
 */
const token = /<(@[UW][A-Z0-9]+|#[CG][A-Z0-9]+|![a-z]+|https?:\/\/[^\s<>|]+)(?:\|([^<>]*))?>/g;

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** The Slack user ids mentioned in `text`, to look their names up in one go. */
export function mentionedSlackIds(text: string): string[] {
  return [...text.matchAll(/<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>/g)].map((m) => m[1]!);
}

/** Safe HTML for Slack-flavoured text: mentions as names, links as links, new lines as breaks. */
export function slackMarkupToHtml(text: string, names: ReadonlyMap<string, string>): string {
  let html = '';
  let last = 0;
  for (const match of text.matchAll(token)) {
    html += escapeHtml(text.slice(last, match.index));
    last = match.index + match[0].length;
    const [, target, label] = match;
    if (target!.startsWith('@')) {
      const id = target!.slice(1);
      html += `<strong>@${escapeHtml(names.get(id) ?? label ?? id)}</strong>`;
    } else if (target!.startsWith('#')) {
      html += `#${escapeHtml(label ?? target!.slice(1))}`;
    } else if (target!.startsWith('!')) {
      html += `@${escapeHtml(label?.replace(/^@/, '') ?? target!.slice(1))}`;
    } else {
      html += `<a class="govuk-link" href="${escapeHtml(target!)}" rel="noopener noreferrer">${escapeHtml(label || target!)}</a>`;
    }
  }
  html += escapeHtml(text.slice(last));
  return html.replace(/\r?\n/g, '<br>');
}
