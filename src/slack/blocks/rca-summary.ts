import type { RcaReport } from '../../domain/rca.js';
import { rcaOutline } from '../../domain/rca-document.js';
import type { SeverityScale } from '../../domain/severity.js';
import { context, fields, header, section } from './elements.js';
import { fallbackText, fitBlocks, type SlackMessage } from './limits.js';
import { escapeMrkdwn, slackLink } from './mrkdwn.js';

export interface RcaSummaryOptions {
  readonly severities: SeverityScale;
  /** The RCA page on the site. */
  readonly rcaUrl: string;
}

const MAX_FOLLOW_UPS = 15;

/**
 * The RCA's outcome for a wider audience: title, severity, durations, root cause, follow-ups
 * with owners and due dates, and a link to the whole record. Takes a report already masked.
 */
export function renderRcaSummary(report: RcaReport, options: RcaSummaryOptions): SlackMessage {
  const o = rcaOutline(report, options);
  const fact = (label: string) => o.facts.find((f) => f.label === label)?.value ?? '';
  const rootCause = o.sections.find((s) => s.heading === 'Root cause')?.text ?? null;
  const open = o.followUps.filter((f) => !f.done);
  const followUps = o.followUps
    .slice(0, MAX_FOLLOW_UPS)
    .map((f) => `${f.done ? ':white_check_mark:' : '•'} ${escapeMrkdwn(f.text)} — ${escapeMrkdwn(f.owner ?? 'no owner')}${f.dueOn ? `, due ${f.dueOn}` : ''}`);
  const more = o.followUps.length > MAX_FOLLOW_UPS ? [`…and ${o.followUps.length - MAX_FOLLOW_UPS} more on the RCA page.`] : [];
  const blocks = fitBlocks(
    [
      header(`RCA: ${report.incident.reference} ${report.incident.title}`),
      fields(
        [
          `*Severity*\n${escapeMrkdwn(fact('Severity'))}`,
          `*Status*\n${escapeMrkdwn(fact('RCA status') || 'Not started')}`,
          ...o.durations.map((d) => `*${d.label}*\n${escapeMrkdwn(d.value)}`),
        ],
        o.rcaUrl,
      ),
      section(`*Root cause*\n${rootCause ? escapeMrkdwn(rootCause) : '_Not recorded yet._'}`, o.rcaUrl),
      section(
        `*Follow-up actions* (${open.length} open)\n${followUps.length > 0 ? [...followUps, ...more].join('\n') : '_None agreed._'}`,
        o.rcaUrl,
      ),
      context(`The whole record: ${slackLink(o.rcaUrl, 'RCA page')}`),
    ],
    o.rcaUrl,
  );
  const text = fallbackText(`RCA of ${escapeMrkdwn(report.incident.reference)}: ${escapeMrkdwn(report.incident.title)}. Root cause: ${rootCause ? escapeMrkdwn(rootCause) : 'not recorded yet'}.`);
  return { text, blocks };
}
